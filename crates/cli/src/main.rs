// Many small allocations from many threads at once (a request's headers, log line and page
// lookups): jemalloc keeps them per thread where glibc's allocator makes the threads queue.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    bluedot_cli::main()
}
