//! A process-wide log hook: the core reports cluster events through it; the Python
//! binding forwards them to `aerospike.set_log_handler` / the `logging` module.

use std::sync::OnceLock;

/// Severity, numbered as the official client's `LOG_LEVEL_*` constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
    Trace = 4,
}

/// Receives (level, function, file, line, message).
pub type Logger = Box<dyn Fn(Level, &str, &str, u32, &str) + Send + Sync>;

static LOGGER: OnceLock<Logger> = OnceLock::new();

/// Installs the logger (first call wins). It also receives the records of the tending
/// crate (the `log` facade), unless the program installed another `log` logger first.
pub fn set_logger(logger: Logger) {
    let _ = LOGGER.set(logger);
    if log::set_logger(&Bridge).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
}

/// Forwards `log` records (the tending crate's) to the installed logger.
struct Bridge;

impl log::Log for Bridge {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        LOGGER.get().is_some()
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = match record.level() {
            log::Level::Error => Level::Error,
            log::Level::Warn => Level::Warn,
            log::Level::Info => Level::Info,
            log::Level::Debug => Level::Debug,
            log::Level::Trace => Level::Trace,
        };
        emit(
            level,
            record.module_path().unwrap_or(record.target()),
            record.file().unwrap_or(""),
            record.line().unwrap_or(0),
            &record.args().to_string(),
        );
    }

    fn flush(&self) {}
}

/// Sends one message to the logger, if any.
pub fn emit(level: Level, func: &str, file: &str, line: u32, msg: &str) {
    if let Some(l) = LOGGER.get() {
        l(level, func, file, line, msg);
    }
}

/// `log!(Level::Info, "fmt", args...)`
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)*) => {
        $crate::log::emit($level, module_path!(), file!(), line!(), &format!($($arg)*))
    };
}
