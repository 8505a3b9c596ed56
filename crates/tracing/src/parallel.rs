//! Work on every core for the batch paths (indexing a whole register, answering a list of
//! requests): the items are cut into one run per core and the answers come back in order.

/// `work` applied to every item, the items shared out over the machine's cores; the answers
/// in the items' order.
pub fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(run)
            .map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_back_in_the_items_order() {
        let items: Vec<u32> = (0..1001).collect();
        assert_eq!(
            on_every_core(&items, |n| n * 2),
            (0..1001).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(on_every_core(&[] as &[u32], |n| *n).is_empty());
    }
}
