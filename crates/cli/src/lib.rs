//! The `bluedot` command. Settings come from defaults, then a TOML file (`--config`), then
//! `BLUEDOT_*` environment variables and flags, each overriding the one before.

pub mod planning;
mod progress;
mod settings;
pub mod tracing_batch;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bluedot_store::Store;
use bluedot_store::audit::{AuditEvent, AuditKeys, ChainCheck, ChainProof, Change};
use bluedot_store::crypto::KeyRing;
use bluedot_store::visits::NewVisit;
use clap::{Args, Parser, Subcommand};

pub use settings::Settings;

#[derive(Parser)]
#[command(
    name = "bluedot",
    version,
    about = "Blue Dot refugee support hubs: the Digital Blue Dot site and its data."
)]
struct Cli {
    /// Configuration file (TOML); flags and BLUEDOT_* variables override it.
    #[arg(long, global = true, env = "BLUEDOT_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// How log lines are written: `text` for people, `json` (one object per line) for a log
    /// collector.
    #[arg(long, global = true, env = "BLUEDOT_LOG_FORMAT", value_parser = ["text", "json"], default_value = "text")]
    log_format: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrations are applied first).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Load the demo network (36 hubs, providers, articles), replacing earlier demo records.
    Demo(DbArgs),
    /// List hubs, services, providers and articles not verified within the review age.
    Stale(DbArgs),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Staff accounts: create, reset, disable. New and reset accounts get a one-time set-up link.
    #[command(subcommand)]
    User(UserCommand),
    /// Encryption keys for sensitive fields.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Anonymise people's records closed longer than the retention period (run it daily, from
    /// cron or a systemd timer).
    Retention(RetentionArgs),
    /// Case transfers between deployments: keys, and packages carried as files.
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Family tracing.
    #[command(subcommand)]
    Tracing(TracingCommand),
    /// The directory as a file: export it, or import one (HSDS 3 JSON or tabular CSV).
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Network planning from arrivals statistics.
    #[command(subcommand)]
    Planning(PlanningCommand),
    /// Write a consistent copy of the SQLite database while the server runs (the keys are not in
    /// it: keep them apart). PostgreSQL deployments use pg_dump.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Write the whole directory (hubs, providers, information pages) to standard output or a
    /// file.
    Export {
        /// The format: `hsds-json` is an Open Referral HSDS 3 JSON package, `hsds-csv` its
        /// tabular data package (CSV files and datapackage.json, written into the `--out`
        /// directory).
        #[arg(long, value_parser = ["hsds-json", "hsds-csv"], default_value = "hsds-json")]
        format: String,
        /// Write here instead of standard output (for `hsds-csv`: the directory to write into).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The directory's texts as PO files for translators, one per language.
    #[command(subcommand)]
    Translations(TranslationsCommand),
    /// Import an HSDS 3 package: a JSON file, or a tabular package (its directory or its
    /// datapackage.json). Entries are matched by id; nothing is written if any is refused.
    /// Importing the same package twice changes nothing.
    Import {
        file: PathBuf,
        /// Report what would be created, changed, left alone and refused, and write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum PlanningCommand {
    /// Write demo arrivals for the demo network (invented, every place marked "(demo)"):
    /// `demo-places.csv` and `demo-arrivals.csv` in `--out`, to try `planning coverage` with.
    DemoArrivals {
        /// The directory to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The first day (YYYY-MM-DD); the first of the current month by default.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Which arrivals had a hub of the directory open within reach in their hour, per country
    /// and for the network; the worst gaps; and the mobile-team slots that would cover most.
    /// Every row is checked first: one refused row is reported with its line and nothing is
    /// used.
    Coverage {
        /// `code,name,country,lat,lon`: the crossing points, stations and towns counted.
        #[arg(long, value_name = "FILE")]
        places: PathBuf,
        /// `place,date,count[,hour_band][,mode]`, as border-crossing statistics publish them
        /// (`hour_band` as `HH-HH`, local time; a count without one is spread over the day).
        #[arg(long, value_name = "FILE")]
        arrivals: PathBuf,
        /// How far by road people go to a hub.
        #[arg(long, default_value_t = 10.0, value_name = "KM")]
        radius_km: f64,
        /// Road distance over straight-line distance.
        #[arg(long, default_value_t = 1.3)]
        road_factor: f64,
        /// The length of the hour bands of gaps and slots.
        #[arg(long, default_value_t = 4, value_name = "HOURS")]
        band_hours: u8,
        /// How many mobile-team slots to suggest (0: none).
        #[arg(long, default_value_t = 3, value_name = "K")]
        slots: usize,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum TracingCommand {
    /// Match tracing requests against registered children (CSV files, as agencies exchange
    /// them) and write `request_id,rank,child_id,score` to standard output.
    Match {
        /// `id,given_name,family_name,sex,birth_date,age,place_of_origin,mother_name,father_name`
        #[arg(long)]
        children: PathBuf,
        /// `id,given_name,family_name,sex,birth_date,age,place_of_origin,requester_name,requester_relation`
        #[arg(long)]
        requests: PathBuf,
        /// Candidates per request.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// More given-name equivalences, one group per line (the format of the built-in list).
        #[arg(long, env = "BLUEDOT_TRACING_NAMES", value_name = "FILE")]
        names: Option<PathBuf>,
        /// Add an `evidence` column: each field's points and why, for people to check.
        #[arg(long)]
        explain: bool,
    },
}

#[derive(Subcommand)]
enum TransferCommand {
    /// Make a transfer secret and print it with the public key partners configure.
    Keygen,
    /// List transfers, newest first: id, direction, status, partner, case number, expected
    /// arrival and what waits to be carried. The id is what `export` takes.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(
            long,
            env = "BLUEDOT_ENCRYPTION_KEYS",
            value_name = "KEYS",
            hide_env_values = true
        )]
        encryption_keys: Option<String>,
    },
    /// Write a transfer's package (or the answer to one) to a file, for places without a
    /// connection; the receiver imports it.
    Export {
        /// The transfer's id (from /staff/transfers).
        id: uuid::Uuid,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Take in a package file from a partner, as if it had arrived over the network.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
        #[arg(
            long,
            env = "BLUEDOT_ENCRYPTION_KEYS",
            value_name = "KEYS",
            hide_env_values = true
        )]
        encryption_keys: Option<String>,
        #[command(flatten)]
        transfer: TransferArgs,
    },
}

#[derive(Args)]
struct RetentionArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Days a closed record is kept [default: 730, or retention_days in the configuration]
    #[arg(long, env = "BLUEDOT_RETENTION_DAYS", value_name = "DAYS")]
    days: Option<i64>,
    /// Only count what is due; change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Where the data lives and the keys that open it.
#[derive(Args, Clone)]
struct KeyedDbArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Encryption keys, current first: `NEW_ID:KEY,OLD_ID:KEY`.
    #[arg(
        long,
        env = "BLUEDOT_ENCRYPTION_KEYS",
        value_name = "KEYS",
        hide_env_values = true
    )]
    encryption_keys: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account and print its one-time set-up link.
    Add(UserAddArgs),
    /// Clear an account's password and second factor and print a new set-up link.
    Reset(UserArgs),
    /// Disable an account and end its sessions.
    Disable(UserArgs),
    /// Give an account another role and scope; its sessions end, so the new privileges start
    /// with a new sign-in.
    Role(UserRoleArgs),
}

/// A role and the hubs or countries it covers.
#[derive(Args)]
struct RoleArgs {
    /// information-desk, social-worker, psychosocial, legal-aid, hub-coordinator,
    /// country-coordinator, data-analyst or system-administrator.
    #[arg(long)]
    role: String,
    /// A country the account covers (ISO code, e.g. RO); repeat for several.
    #[arg(long = "country")]
    countries: Vec<String>,
    /// A hub the account covers (its slug, e.g. siret-border); repeat for several.
    #[arg(long = "hub")]
    hubs: Vec<String>,
    /// The account covers the whole network (administrators).
    #[arg(long)]
    everywhere: bool,
}

#[derive(Args)]
struct UserRoleArgs {
    #[command(flatten)]
    user: UserArgs,
    #[command(flatten)]
    grant: RoleArgs,
}

#[derive(Args)]
struct UserArgs {
    username: String,
    #[command(flatten)]
    db: DbArgs,
    /// Address of the site, used to write the set-up link.
    #[arg(
        long,
        env = "BLUEDOT_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    base_url: String,
}

#[derive(Args)]
struct UserAddArgs {
    #[command(flatten)]
    user: UserArgs,
    /// Full name as colleagues know it.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    grant: RoleArgs,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print a new random key as `ID:BASE64`, for BLUEDOT_ENCRYPTION_KEYS.
    Generate {
        /// The key's id, written into every value it encrypts.
        #[arg(default_value = "k1")]
        id: String,
    },
    /// Re-encrypt every sensitive value under the current (first) key, so older keys can be
    /// retired. Safe to interrupt and run again.
    Rotate(KeyedDbArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's keyed hash chain from the first entry to the last, and every
    /// signed checkpoint; exits non-zero, naming the first entry that breaks, if any entry was
    /// changed, removed or reordered.
    Verify {
        #[command(flatten)]
        db: AuditDbArgs,
        /// A file of checkpoints (`bluedot audit checkpoint --append FILE`), one per line.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
        /// Entries up to this one were written before audit keys were configured and are
        /// chained with plain SHA-256 [default: 0, none]
        #[arg(long, value_name = "SEQ", default_value_t = 0)]
        unkeyed_until: i64,
    },
    /// Sign the chain's head (entry count, last hash, time) and print it as one JSON line;
    /// keep it outside the database, e.g. appended to a file on another machine.
    Checkpoint {
        #[command(flatten)]
        db: AuditDbArgs,
        /// Also append the checkpoint to this file (created if missing).
        #[arg(long, value_name = "FILE")]
        append: Option<PathBuf>,
    },
    /// Print a new audit key as `ID:BASE64` for BLUEDOT_AUDIT_KEYS, and the public key that
    /// checks its checkpoints.
    Keygen {
        /// The key's id, written into every entry it chains.
        #[arg(default_value = "a1")]
        id: String,
    },
}

/// Where the data lives and the audit keys.
#[derive(Args, Clone, Default)]
pub struct AuditDbArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Audit keys, current first: `NEW_ID:KEY,OLD_ID:KEY` (`bluedot audit keygen`).
    #[arg(
        long,
        env = "BLUEDOT_AUDIT_KEYS",
        value_name = "KEYS",
        hide_env_values = true
    )]
    pub audit_keys: Option<String>,
}

/// Where the data lives.
#[derive(Args, Clone, Default)]
pub struct DbArgs {
    /// Directory for the embedded SQLite database (`bluedot.sqlite3`) when no database URL is set
    /// [default: data]
    #[arg(long, env = "BLUEDOT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (`postgres://user@host/db`) or `sqlite://PATH`; default: SQLite in the data directory.
    #[arg(long, env = "BLUEDOT_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Args, Clone, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "BLUEDOT_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<std::net::SocketAddr>,
    /// Serve Prometheus metrics at /metrics on this address (keep it off the public network);
    /// off by default
    #[arg(long, env = "BLUEDOT_METRICS_LISTEN", value_name = "ADDR:PORT")]
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Load the demo network first if the database has no hubs.
    #[arg(long, env = "BLUEDOT_DEMO")]
    pub demo: bool,
    /// Map tile URL template, e.g. https://tile.example.org/{z}/{x}/{y}.png. Without it the map
    /// shows country outlines shipped with the server (works offline).
    #[arg(long, env = "BLUEDOT_TILE_URL", value_name = "URL")]
    pub tile_url: Option<String>,
    /// Attribution shown on the map for the tiles.
    #[arg(long, env = "BLUEDOT_TILE_ATTRIBUTION", value_name = "TEXT")]
    pub tile_attribution: Option<String>,
    /// Where the public reaches the site, e.g. https://bluedot.example.org: pages name it in
    /// their canonical and language links [default: http://LISTEN]
    #[arg(long, env = "BLUEDOT_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Clients reach the server over HTTPS (directly or through a proxy): send HSTS.
    #[arg(long, env = "BLUEDOT_BEHIND_TLS")]
    pub behind_tls: bool,
    /// Days after which an unverified hub, service or article is listed for review [default: 30]
    #[arg(long, env = "BLUEDOT_REVIEW_AFTER_DAYS", value_name = "DAYS")]
    pub review_after_days: Option<i64>,
    /// Days after which an unverified hub, service or article is marked as unverified [default: 60]
    #[arg(long, env = "BLUEDOT_UNVERIFIED_AFTER_DAYS", value_name = "DAYS")]
    pub unverified_after_days: Option<i64>,
    /// Days after which an unverified entry is hidden from the public, 0 for never [default: 180]
    #[arg(long, env = "BLUEDOT_HIDE_AFTER_DAYS", value_name = "DAYS")]
    pub hide_after_days: Option<i64>,
    /// Encryption keys for sensitive fields, `ID:BASE64KEY[,ID:BASE64KEY...]`, current first
    /// (make one with `bluedot keys generate`). With --demo and no keys, one is generated.
    #[arg(
        long,
        env = "BLUEDOT_ENCRYPTION_KEYS",
        value_name = "KEYS",
        hide_env_values = true
    )]
    pub encryption_keys: Option<String>,
    /// Audit keys, `ID:BASE64KEY[,ID:BASE64KEY...]`, current first (make one with `bluedot audit
    /// keygen`): the audit log is chained under them, so they are kept out of the database and
    /// its backups. With --demo and no keys, one is generated.
    #[arg(
        long,
        env = "BLUEDOT_AUDIT_KEYS",
        value_name = "KEYS",
        hide_env_values = true
    )]
    pub audit_keys: Option<String>,
    /// Seconds a process may serve the directory from memory before reading the database again
    /// [default: 5]
    #[arg(long, env = "BLUEDOT_CACHE_SECONDS", value_name = "SECONDS")]
    pub cache_seconds: Option<u64>,
    /// Hours a mobile team's device may hold data offline before it wipes itself (1 to 72)
    /// [default: 12]
    #[arg(long, env = "BLUEDOT_OFFLINE_HOURS", value_name = "HOURS")]
    pub offline_hours: Option<u32>,
    /// Days a closed person's record is kept before `bluedot retention` anonymises it
    /// [default: 730]
    #[arg(long, env = "BLUEDOT_RETENTION_DAYS", value_name = "DAYS")]
    pub retention_days: Option<i64>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client, as
    /// comma-separated addresses or CIDRs (e.g. 10.0.0.0/8,::1); from anyone else those headers
    /// are ignored and the socket's address is the client's
    #[arg(long, env = "BLUEDOT_TRUSTED_PROXIES", value_name = "CIDRS")]
    pub trusted_proxies: Option<String>,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive
    /// connection stays open [default: 10]
    #[arg(long, env = "BLUEDOT_HEADER_READ_TIMEOUT", value_name = "SECONDS")]
    pub header_read_timeout: Option<u64>,
    /// Seconds a client may pause while sending a request's body [default: 20]
    #[arg(long, env = "BLUEDOT_BODY_READ_TIMEOUT", value_name = "SECONDS")]
    pub body_read_timeout: Option<u64>,
    /// Seconds the server spends on one request before answering 408 [default: 30]
    #[arg(long, env = "BLUEDOT_REQUEST_TIMEOUT", value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    /// Connections served at once; more clients wait in the listen queue [default: 1024]
    #[arg(long, env = "BLUEDOT_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    #[command(flatten)]
    pub transfer: TransferArgs,
}

/// Case transfers between deployments.
#[derive(Args, Clone, Default)]
pub struct TransferArgs {
    /// This deployment's name to its partners, e.g. RO
    #[arg(long, env = "BLUEDOT_DEPLOYMENT_ID", value_name = "ID")]
    pub deployment_id: Option<String>,
    /// The transfer secret (`bluedot transfer keygen`)
    #[arg(
        long,
        env = "BLUEDOT_TRANSFER_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub transfer_key: Option<String>,
    /// Partner deployments as JSON: [{"id","url","public_key","country"}] (or [[partners]] in the
    /// configuration file)
    #[arg(long, env = "BLUEDOT_PARTNERS", value_name = "JSON")]
    pub partners: Option<String>,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("BLUEDOT_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // Lines are written by a thread of their own, so a request never waits on the log; none is
    // dropped (a full buffer slows writers instead), and the guard flushes what is left on exit.
    // That thread writes whatever lines are queued with one system call and flushes whenever the
    // queue is empty, so a busy server does not make a call per line.
    let (writer, _flush_on_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stderr(),
        ));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    if cli.log_format == "json" {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings::load(cli.config.as_deref(), &args)?;
            serve(settings, args.demo).await
        }
        Command::Migrate(db) => {
            let (_, store) = settings_and_store(cli.config.as_deref(), db).await?;
            println!("migrations applied ({})", store.backend_name());
            Ok(())
        }
        Command::Directory(command) => directory_command(cli.config.as_deref(), command).await,
        Command::Planning(PlanningCommand::DemoArrivals { out, from, days }) => {
            let today = chrono::Utc::now().date_naive();
            let first =
                from.unwrap_or_else(|| chrono::Datelike::with_day(&today, 1).unwrap_or(today));
            planning::write_demo(&out, first, days.clamp(1, 366))
        }
        Command::Planning(PlanningCommand::Coverage {
            places,
            arrivals,
            radius_km,
            road_factor,
            band_hours,
            slots,
            db,
        }) => {
            let (_, store) = settings_and_store(cli.config.as_deref(), db).await?;
            let hubs = store.list_hubs().await?;
            let reach = bluedot_core::planning::Reach {
                radius_km,
                road_factor: road_factor.max(1.0),
            };
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            planning::report(
                &places, &arrivals, &hubs, reach, band_hours, slots, &mut out,
            )
        }
        Command::Demo(db) => {
            let (settings, store) = settings_and_store(cli.config.as_deref(), db).await?;
            // The demo loader's changes are audited: a demo database gets the demo key, as
            // `serve --demo` gives it, unless keys were configured.
            let store = match audit_keys(&settings, true)? {
                Some(keys) => store.with_audit_keys(keys),
                None => store,
            };
            load_demo_network(&store).await
        }
        Command::Audit(command) => audit_command(cli.config.as_deref(), command).await,
        Command::User(command) => user_command(cli.config.as_deref(), command).await,
        Command::Backup { out, db } => {
            let (_, store) = settings_and_store(cli.config.as_deref(), db).await?;
            let working = progress::spinner("copying the database");
            store.backup_sqlite(&out).await?;
            working.finish_and_clear();
            // The copy holds personal data: only its owner may read it.
            #[cfg(unix)]
            std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
            std::fs::File::open(&out)?.sync_all()?;
            let bytes = std::fs::metadata(&out)?.len();
            match store
                .audit(&cli_event("backup", format!("file:{}", out.display())))
                .await
            {
                // A backup reads only; without audit keys it is still worth having.
                Err(bluedot_store::StoreError::NoAuditKey) | Ok(_) => {}
                Err(e) => return Err(e.into()),
            }
            println!("backup written to {} ({bytes} bytes)", out.display());
            Ok(())
        }
        Command::Tracing(TracingCommand::Match {
            children,
            requests,
            top,
            names,
            explain,
        }) => {
            let mut groups = bluedot_tracing::NameGroups::built_in();
            if let Some(path) = names {
                groups.add_lines(
                    &std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                );
            }
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let skipped =
                tracing_batch::run(&children, &requests, top.max(1), groups, explain, &mut out)?;
            std::io::Write::flush(&mut out)?;
            for s in &skipped {
                eprintln!("{}:{}: skipped: {}", s.file, s.line, s.reason);
            }
            Ok(())
        }
        Command::Transfer(TransferCommand::Keygen) => {
            let secret = bluedot_store::package::TransferKeys::generate_secret();
            let keys = bluedot_store::package::TransferKeys::from_secret("-", &secret)?;
            println!("BLUEDOT_TRANSFER_KEY={secret}");
            println!("public key for partners: {}", keys.public_key());
            Ok(())
        }
        Command::Transfer(TransferCommand::List {
            db,
            encryption_keys,
        }) => {
            let serve_args = ServeArgs {
                db,
                encryption_keys,
                ..Default::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &serve_args)?;
            let keys = key_ring(&settings, false)?.context(
                "set BLUEDOT_ENCRYPTION_KEYS (the demo's key is read from its data directory)",
            )?;
            let store = open_store(&settings).await?;
            let everywhere = bluedot_core::policy::Scope {
                everywhere: true,
                ..Default::default()
            };
            let transfers = store.transfers_in_scope(&keys, &everywhere).await?;
            println!("id\tdirection\tstatus\tpartner\tcase\texpected\tto carry");
            for t in &transfers {
                let carry = store.transfer_package(t.id).await?.is_some()
                    && (t.status == bluedot_core::transfer::TransferStatus::Pending
                        || t.direction == bluedot_core::transfer::TransferDirection::In);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.direction.code(),
                    t.status.code(),
                    t.partner.as_deref().unwrap_or("-"),
                    t.payload.case_number,
                    t.payload
                        .expected_arrival
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    if carry { "package" } else { "-" },
                );
            }
            println!("{} transfers", transfers.len());
            Ok(())
        }
        Command::Transfer(TransferCommand::Export { id, out, db }) => {
            let serve_args = ServeArgs {
                db,
                ..Default::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &serve_args)?;
            let store = open_store(&settings).await?;
            let bytes = store
                .transfer_package(id)
                .await?
                .context("no package to carry for that transfer (unknown, or nothing to send)")?;
            write_private(&out, &String::from_utf8_lossy(&bytes))?;
            store
                .audit(&cli_event("transfer.export", format!("transfer:{id}")))
                .await?;
            println!("wrote {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
        Command::Transfer(TransferCommand::Import {
            file,
            db,
            encryption_keys,
            transfer,
        }) => {
            let serve_args = ServeArgs {
                db,
                encryption_keys,
                transfer,
                ..Default::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &serve_args)?;
            let keys = key_ring(&settings, false)?.context("set BLUEDOT_ENCRYPTION_KEYS")?;
            let exchange = exchange(&settings)?
                .context("set BLUEDOT_DEPLOYMENT_ID, BLUEDOT_TRANSFER_KEY and the partners")?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let store = open_store(&settings).await?;
            match bluedot_web::exchange::ingest(&store, &keys, &exchange, &bytes, "file").await? {
                bluedot_web::exchange::Ingested::Case { from, new } => println!(
                    "case package from {from} {}",
                    if new {
                        "received: see /staff/transfers"
                    } else {
                        "was already here"
                    }
                ),
                bluedot_web::exchange::Ingested::Answer { from, new } => println!(
                    "answer from {from} {}",
                    if new { "taken" } else { "was already taken" }
                ),
                bluedot_web::exchange::Ingested::Arrival { from, new } => println!(
                    "arrival report from {from} {}",
                    if new { "taken" } else { "was already taken" }
                ),
            }
            Ok(())
        }
        Command::Keys(KeysCommand::Generate { id }) => {
            println!("{}", KeyRing::generate_spec(&id));
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate(args)) => {
            let serve_args = ServeArgs {
                db: args.db,
                encryption_keys: args.encryption_keys,
                ..Default::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &serve_args)?;
            let keys = key_ring(&settings, false)?.context(
                "set BLUEDOT_ENCRYPTION_KEYS (or --encryption-keys) to NEW_ID:KEY,OLD_ID:KEY",
            )?;
            let store = open_store(&settings).await?;
            let working = progress::spinner("re-encrypting every sensitive field");
            let report = store.rotate_keys(&keys).await?;
            working.finish_and_clear();
            store
                .audit(&cli_event(
                    "keys.rotate",
                    format!("key:{}", keys.current_id()),
                ))
                .await?;
            println!(
                "re-encrypted under key {:?}: {} second-factor secrets, {} identities, {} notes, {} referral texts, {} case texts and documents; name index rebuilt for {} people",
                keys.current_id(),
                report.totp_secrets,
                report.identities,
                report.notes,
                report.referrals,
                report.cases,
                report.name_index
            );
            Ok(())
        }
        Command::Retention(args) => {
            let serve_args = ServeArgs {
                db: args.db,
                retention_days: args.days,
                ..Default::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &serve_args)?;
            let store = open_store(&settings).await?;
            let cutoff = chrono::Utc::now() - chrono::Duration::days(settings.retention_days);
            if args.dry_run {
                let due = store.retention_due(cutoff).await?;
                println!(
                    "{} records closed more than {} days ago would be anonymised",
                    due.len(),
                    settings.retention_days
                );
                return Ok(());
            }
            let working = progress::spinner("anonymising closed records");
            let done = store
                .apply_retention(cutoff, &Change::by_system("cli"))
                .await?;
            working.finish_and_clear();
            println!(
                "{} records closed more than {} days ago anonymised",
                done.len(),
                settings.retention_days
            );
            Ok(())
        }
        Command::Stale(db) => {
            let (settings, store) = settings_and_store(cli.config.as_deref(), db).await?;
            let days = settings.freshness.review_after_days;
            let before = chrono::Utc::now() - chrono::Duration::days(days);
            let entries = store.stale_entries(before).await?;
            println!("{} entries not verified in {days} days", entries.len());
            for e in entries {
                println!(
                    "{}\t{}\t{}\t{}",
                    e.verified_at.format("%Y-%m-%d"),
                    e.country,
                    e.what,
                    e.key
                );
            }
            Ok(())
        }
    }
}

async fn audit_command(
    config: Option<&std::path::Path>,
    command: AuditCommand,
) -> anyhow::Result<()> {
    let store = |args: AuditDbArgs| async move {
        let serve_args = ServeArgs {
            db: args.db,
            audit_keys: args.audit_keys,
            ..Default::default()
        };
        let settings = Settings::load(config, &serve_args)?;
        open_store(&settings).await
    };
    match command {
        AuditCommand::Keygen { id } => {
            let spec = AuditKeys::generate_spec(&id);
            let keys = AuditKeys::parse(&spec).context("the generated key")?;
            println!("BLUEDOT_AUDIT_KEYS={spec}");
            println!("checkpoint public key: {}", keys.public_key());
            Ok(())
        }
        AuditCommand::Checkpoint { db, append } => {
            let store = store(db).await?;
            let checkpoint = store.audit_checkpoint().await?;
            let line = serde_json::to_string(&checkpoint)?;
            if let Some(path) = append {
                use std::io::Write;
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                writeln!(file, "{line}")?;
                file.sync_all()?;
            }
            println!("{line}");
            Ok(())
        }
        AuditCommand::Verify {
            db,
            checkpoints,
            unkeyed_until,
        } => {
            let store = store(db).await?;
            let mut proof = ChainProof {
                unkeyed_until,
                ..ChainProof::default()
            };
            if let Some(path) = &checkpoints {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                for (n, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    proof
                        .checkpoints
                        .push(serde_json::from_str(line).with_context(|| {
                            format!("{}:{}: not a checkpoint", path.display(), n + 1)
                        })?);
                }
            }
            match store.verify_audit_chain(&proof).await? {
                ChainCheck::Intact { entries } => {
                    println!(
                        "audit log intact: {entries} entries, {} checkpoints",
                        proof.checkpoints.len()
                    );
                    Ok(())
                }
                ChainCheck::Broken { seq, reason } => {
                    anyhow::bail!("audit log broken at entry {seq}: {reason}")
                }
            }
        }
    }
}

/// An audit entry for something done on the command line.
fn cli_event(action: &str, subject: String) -> AuditEvent {
    AuditEvent {
        actor_id: None,
        action: action.to_owned(),
        subject,
        hub_id: None,
        country: None,
        source: "cli".to_owned(),
        outcome: "ok".to_owned(),
    }
}

/// How long a set-up link made on the command line stays valid.
const LINK_HOURS: i64 = 72;

async fn user_command(
    config: Option<&std::path::Path>,
    command: UserCommand,
) -> anyhow::Result<()> {
    let args = match &command {
        UserCommand::Add(a) => &a.user,
        UserCommand::Reset(a) | UserCommand::Disable(a) => a,
        UserCommand::Role(a) => &a.user,
    };
    let (_, store) = settings_and_store(config, args.db.clone()).await?;
    let base_url = args.base_url.trim_end_matches('/').to_owned();
    let cli = Change::by_system("cli");
    let link_for = |token: &str| format!("{base_url}/staff/setup/{token}");
    match command {
        UserCommand::Add(a) => {
            let (role, scope) = a.grant.read(&store).await?;
            let user = store
                .create_user(&a.user.username, &a.name, role, &scope, &cli)
                .await?;
            let token = store
                .create_setup_link(
                    user.id,
                    chrono::Duration::hours(LINK_HOURS),
                    &cli,
                    "user.setup-link",
                )
                .await?;
            println!(
                "created {} ({}); one-time set-up link, valid {LINK_HOURS} hours:",
                user.username, role
            );
            println!("{}", link_for(&token));
        }
        UserCommand::Reset(a) => {
            let user = store
                .user_by_username(&a.username)
                .await?
                .with_context(|| format!("no account {:?}", a.username))?;
            let token = store
                .create_setup_link(
                    user.id,
                    chrono::Duration::hours(LINK_HOURS),
                    &cli,
                    "user.reset",
                )
                .await?;
            println!(
                "{} must set up the account again; one-time link, valid {LINK_HOURS} hours:",
                user.username
            );
            println!("{}", link_for(&token));
        }
        UserCommand::Disable(a) => {
            let user = store
                .user_by_username(&a.username)
                .await?
                .with_context(|| format!("no account {:?}", a.username))?;
            store.set_disabled(user.id, true, &cli).await?;
            println!("{} disabled and signed out everywhere", user.username);
        }
        UserCommand::Role(a) => {
            let user = store
                .user_by_username(&a.user.username)
                .await?
                .with_context(|| format!("no account {:?}", a.user.username))?;
            let (role, scope) = a.grant.read(&store).await?;
            store.change_role(user.id, role, &scope, &cli).await?;
            println!(
                "{} is now {role}; signed out everywhere, the new role starts at the next sign-in",
                user.username
            );
        }
    }
    Ok(())
}

impl RoleArgs {
    /// The role and scope named on the command line, checked against the directory.
    async fn read(
        &self,
        store: &Store,
    ) -> anyhow::Result<(bluedot_core::policy::Role, bluedot_core::policy::Scope)> {
        use bluedot_core::policy::{Role, Scope};
        let role = Role::from_code(&self.role).with_context(|| {
            format!(
                "unknown role {:?}; use one of: {}",
                self.role,
                Role::ALL
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        let mut scope = Scope {
            everywhere: self.everywhere,
            ..Scope::default()
        };
        for c in &self.countries {
            scope.countries.push(
                bluedot_core::Country::from_code(c)
                    .with_context(|| format!("unknown country {c:?}"))?,
            );
        }
        for slug in &self.hubs {
            let hub = store
                .hub_by_slug(slug)
                .await?
                .with_context(|| format!("no hub {slug:?}"))?;
            scope.hubs.push(hub.id);
        }
        Ok((role, scope))
    }
}

/// Case transfers, when this deployment has a name and a transfer key.
fn exchange(settings: &Settings) -> anyhow::Result<Option<bluedot_web::exchange::Exchange>> {
    let (Some(id), Some(secret)) = (&settings.deployment_id, &settings.transfer_key) else {
        return Ok(None);
    };
    let keys = bluedot_store::package::TransferKeys::from_secret(id, secret)
        .context("BLUEDOT_TRANSFER_KEY")?;
    Ok(Some(bluedot_web::exchange::Exchange::new(
        keys,
        settings.partners.clone(),
    )))
}

/// The key ring from settings, or for the demo one kept in the data directory (made on first
/// use), or none: then staff sign-in is unavailable.
fn key_ring(settings: &Settings, demo: bool) -> anyhow::Result<Option<KeyRing>> {
    if let Some(spec) = &settings.encryption_keys {
        return Ok(Some(
            KeyRing::parse(spec).context("BLUEDOT_ENCRYPTION_KEYS")?,
        ));
    }
    // A demo's data directory holds its key: every command on it reads it, as the server does.
    let exists = settings.data_dir.join("demo-encryption-key").exists();
    demo_key(
        settings,
        demo || exists,
        "demo-encryption-key",
        "BLUEDOT_ENCRYPTION_KEYS",
        "keys generate",
    )?
    .map(|spec| Ok(KeyRing::parse(&spec)?))
    .transpose()
}

/// The audit keys from settings, else the demo's from the data directory: made there by
/// `serve --demo`, and read by every command on that data directory after it.
fn audit_keys(settings: &Settings, demo: bool) -> anyhow::Result<Option<AuditKeys>> {
    // Commands without an --audit-keys flag (user, retention, ...) still audit: they read the
    // variable themselves.
    let from_env = std::env::var("BLUEDOT_AUDIT_KEYS")
        .ok()
        .filter(|v| !v.is_empty());
    if let Some(spec) = settings.audit_keys.as_ref().or(from_env.as_ref()) {
        return Ok(Some(AuditKeys::parse(spec).context("BLUEDOT_AUDIT_KEYS")?));
    }
    let exists = settings.data_dir.join("demo-audit-key").exists();
    demo_key(
        settings,
        demo || exists,
        "demo-audit-key",
        "BLUEDOT_AUDIT_KEYS",
        "audit keygen",
    )?
    .map(|spec| Ok(AuditKeys::parse(&spec)?))
    .transpose()
}

/// A demo's key kept in the data directory under `file`, made on first use; none unless `demo`.
fn demo_key(
    settings: &Settings,
    demo: bool,
    file: &str,
    variable: &str,
    command: &str,
) -> anyhow::Result<Option<String>> {
    if !demo {
        return Ok(None);
    }
    let path = settings.data_dir.join(file);
    if !path.exists() {
        std::fs::create_dir_all(&settings.data_dir)?;
        write_private(&path, &KeyRing::generate_spec("demo1"))?;
        println!(
            "generated a key for the demo in {} (for real data, set {variable}; see `bluedot {command}`)",
            path.display()
        );
    }
    let spec = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(spec.trim().to_owned()))
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Settings for a command that only needs the database, and that database opened.
async fn settings_and_store(
    config: Option<&std::path::Path>,
    db: DbArgs,
) -> anyhow::Result<(Settings, Store)> {
    let args = ServeArgs {
        db,
        ..Default::default()
    };
    let settings = Settings::load(config, &args)?;
    let store = open_store(&settings).await?;
    Ok((settings, store))
}

/// Opens the configured database and applies its migrations.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = match &settings.database_url {
        Some(url) => Store::connect(url)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(url)))?,
        None => {
            std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    settings.data_dir.display()
                )
            })?;
            let path = settings.data_dir.join("bluedot.sqlite3");
            Store::open_sqlite(&path)
                .await
                .with_context(|| format!("cannot open {}", path.display()))?
        }
    };
    store.migrate().await.context("migrations failed")?;
    Ok(match audit_keys(settings, false)? {
        Some(keys) => store.with_audit_keys(keys),
        None => store,
    })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{user}@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn directory_command(
    config: Option<&std::path::Path>,
    command: DirectoryCommand,
) -> anyhow::Result<()> {
    use bluedot_web::directory_package;
    match command {
        DirectoryCommand::Export { format, out, db } => {
            let (_, store) = settings_and_store(config, db).await?;
            let package = directory_package::export_hsds_json(&store).await?;
            if format == "hsds-csv" {
                let dir = out.context("--format hsds-csv writes several files: give --out DIR")?;
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                for (name, bytes) in directory_package::tabular::write(&package)? {
                    let path = dir.join(name);
                    std::fs::write(&path, bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                return Ok(());
            }
            let text = serde_json::to_string_pretty(&package)? + "\n";
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        DirectoryCommand::Translations(command) => translations_command(config, command).await,
        DirectoryCommand::Import { file, dry_run, db } => {
            let (_, store) = settings_and_store(config, db).await?;
            let package = read_directory_package(&file)?;
            let change = bluedot_store::audit::Change::by_system("cli");
            let working = progress::spinner(if dry_run {
                "checking the package"
            } else {
                "importing the package"
            });
            let report = directory_package::import(
                &store,
                &change,
                directory_package::Importer::System,
                &package,
                !dry_run,
            )
            .await?;
            working.finish_and_clear();
            print_report(&report, dry_run)
        }
    }
}

#[derive(Subcommand)]
enum TranslationsCommand {
    /// Write a PO file of every text to translate into one language: information pages,
    /// hubs and providers, with the translations written so far (outdated ones marked fuzzy).
    Export {
        /// The language to translate into (uk, ru, en, pl, ro, hu, sk, bg, it).
        #[arg(long)]
        lang: String,
        /// The language hubs' and providers' texts are translated from (pages name their own).
        #[arg(long, default_value = "en")]
        from: String,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import a translated PO file. A text whose source changed since the export is refused
    /// and reported; nothing is written if any is.
    Import {
        file: PathBuf,
        /// Report what would change, and write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Prints what an import did or would do, line by line for scripts, then its summary; an
/// import with refusals is an error.
fn print_report(
    report: &bluedot_web::directory_package::Report,
    dry_run: bool,
) -> anyhow::Result<()> {
    for (what, names) in [
        ("create", &report.created),
        ("change", &report.changed),
        ("unchanged", &report.unchanged),
    ] {
        for name in names {
            println!("{what}\t{name}");
        }
    }
    for (at, why) in &report.refused {
        println!("refused\t{at}\t{why}");
    }
    for (at, why) in &report.skipped {
        println!("skipped\t{at}\t{why}");
    }
    println!("{}", report.summary());
    if !report.refused.is_empty() {
        anyhow::bail!("nothing was imported: fix the refused records and import again");
    }
    if dry_run {
        println!("dry run: nothing was written");
    }
    Ok(())
}

async fn translations_command(
    config: Option<&std::path::Path>,
    command: TranslationsCommand,
) -> anyhow::Result<()> {
    use bluedot_web::directory_package::{Importer, translations};
    let language = |code: &str| {
        code.parse::<bluedot_core::Lang>().map_err(|_| {
            anyhow::anyhow!("unknown language {code:?}: use uk, ru, en, pl, ro, hu, sk, bg or it")
        })
    };
    match command {
        TranslationsCommand::Export {
            lang,
            from,
            out,
            db,
        } => {
            let (lang, from) = (language(&lang)?, language(&from)?);
            let (_, store) = settings_and_store(config, db).await?;
            let po = translations::export(&store, Importer::System, lang, from).await?;
            match out {
                Some(path) => std::fs::write(&path, po)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{po}"),
            }
            Ok(())
        }
        TranslationsCommand::Import { file, dry_run, db } => {
            let (_, store) = settings_and_store(config, db).await?;
            let po =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let change = bluedot_store::audit::Change::by_system("cli");
            let report =
                translations::import(&store, &change, Importer::System, &po, !dry_run).await?;
            print_report(&report, dry_run)
        }
    }
}

/// The package at `path`: an HSDS JSON file, or a tabular package given by its directory or
/// its datapackage.json.
fn read_directory_package(
    path: &std::path::Path,
) -> anyhow::Result<bluedot_web::directory_package::Package> {
    use bluedot_web::directory_package::{Package, tabular};
    let read = |p: &std::path::Path| {
        std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let dir = if path.is_dir() {
        path.to_owned()
    } else if path.file_name() == Some(std::ffi::OsStr::new(tabular::DESCRIPTOR)) {
        path.parent()
            .unwrap_or(std::path::Path::new("."))
            .to_owned()
    } else {
        let value = serde_json::from_slice(&read(path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        return Ok(Package::Json(value));
    };
    let mut files = std::collections::BTreeMap::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") || name.ends_with(".json") {
            files.insert(name, read(&entry.path())?);
        }
    }
    Ok(Package::Tabular(files))
}

/// Loads the demo network through the path imports take (versioned, audited as the
/// system's); returns the number of hubs loaded.
pub async fn load_demo(store: &Store) -> anyhow::Result<usize> {
    use bluedot_store::directory::{Edit, Expected};
    // The store's clock (to the microsecond, as both databases keep time), so a directory
    // exported from one database reads back the same from the other.
    let now = store.now();
    let change = bluedot_store::audit::Change::by_system("demo");
    let hubs = bluedot_demo::hubs(now);
    for hub in &hubs {
        store
            .save_hub(&change, hub, Expected::Any, Edit::Import)
            .await?;
    }
    for provider in bluedot_demo::providers(now) {
        store
            .save_provider(&change, &provider, Expected::Any, Edit::Import)
            .await?;
    }
    // Sources before their translations, which record the source they were made from.
    let mut articles = bluedot_demo::articles(now);
    articles.sort_by_key(|a| a.source_lang.is_some());
    for article in articles {
        store
            .save_article(&change, &article, Expected::Any, Edit::Import)
            .await?;
    }
    Ok(hubs.len())
}

/// The demo network and its history, as `serve --demo` and `bluedot demo` load them.
async fn load_demo_network(store: &Store) -> anyhow::Result<()> {
    let n = load_demo(store).await?;
    let visits = load_demo_history(store).await?;
    // The last 30 days of arrivals up to yesterday, for network planning.
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let arrivals = planning::load_demo(store, yesterday - chrono::Days::new(29), 30).await?;
    let rounds = load_demo_inclusion(store).await?;
    println!(
        "demo network loaded: {n} hubs, {visits} visits, {arrivals} counts of arrivals, {rounds} inclusion assessments (demonstration data, not real contacts)"
    );
    Ok(())
}

/// One approved demo round of inclusion assessment per country, written, sent for review and
/// approved through the steps staff take.
pub async fn load_demo_inclusion(store: &Store) -> anyhow::Result<usize> {
    use bluedot_store::inclusion::AnswerEdit;
    let change = bluedot_store::audit::Change::by_system("demo");
    let (_, questions) = store.inclusion_questionnaire().await?;
    let mut rounds = 0;
    for country in bluedot_core::Country::ALL {
        let id = store
            .start_assessment(country, "2025", true, &change)
            .await?;
        let edits: Vec<AnswerEdit> = bluedot_demo::inclusion_answers(country, &questions)
            .into_iter()
            .map(|(question, answer)| AnswerEdit {
                question,
                answer,
                seen: None,
            })
            .collect();
        store.save_answers(id, &edits, &change).await?;
        store.submit_assessment(id, &change).await?;
        store.approve_assessment(id, &change).await?;
        rounds += 1;
    }
    Ok(rounds)
}

/// Two months of demo visits up to yesterday, so that the figures have a history to show.
/// Loaded by the demo server, not by every test that needs the hubs.
pub async fn load_demo_history(store: &Store) -> anyhow::Result<u64> {
    let now = chrono::Utc::now();
    let hubs = bluedot_demo::hubs(now);
    let yesterday = now.date_naive() - chrono::Days::new(1);
    let history: Vec<NewVisit> = bluedot_demo::visits(&hubs, yesterday, 60, 3)
        .into_iter()
        .map(|v| NewVisit::imported(v.hub, v.country, v.day, v.key, v.draft))
        .collect();
    Ok(store.import_visits(&history).await?)
}

async fn serve(mut settings: Settings, demo: bool) -> anyhow::Result<()> {
    // Made before the store opens, which then finds it.
    let audit = audit_keys(&settings, demo)?;
    if audit.is_none() && settings.encryption_keys.is_some() {
        anyhow::bail!(
            "staff work is audited: set BLUEDOT_AUDIT_KEYS as well as BLUEDOT_ENCRYPTION_KEYS (make one with `bluedot audit keygen`)"
        );
    }
    let store = open_store(&settings).await?;
    if demo && store.count_hubs().await? == 0 {
        load_demo_network(&store).await?;
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    // Pages name their own address when no public one is set: the port bound, not port 0.
    settings.listen = address;
    let mut state = bluedot_web::AppState::new(store.clone(), settings.web());
    match key_ring(&settings, demo)? {
        Some(keys) => state = state.with_keys(keys),
        None => println!(
            "no encryption keys configured: staff sign-in is disabled (set BLUEDOT_ENCRYPTION_KEYS)"
        ),
    }
    if let Some(exchange) = exchange(&settings)? {
        println!(
            "case transfers: deployment {} with {} partner(s)",
            exchange.keys.deployment,
            exchange.partners.len()
        );
        state = state.with_exchange(exchange);
        if let Some(exchange) = state.exchange.clone() {
            bluedot_web::exchange::spawn_delivery(store.clone(), exchange);
        }
    }
    if let Some(listen) = settings.metrics_listen {
        bluedot_web::metrics_endpoint::serve(
            listen,
            store.clone(),
            settings.freshness.review_after_days,
        )
        .await
        .with_context(|| format!("cannot serve metrics on {listen}"))?;
        println!("metrics: http://{listen}/metrics");
    }
    let app = bluedot_web::router(state);
    println!(
        "Digital Blue Dot is running on {} — open http://{address}/",
        store.backend_name()
    );
    bluedot_web::server::serve(listener, app, settings.limits, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://bob:secret@db/x"), "postgres://bob@db/x");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
