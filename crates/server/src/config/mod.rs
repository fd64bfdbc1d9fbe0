//! Configuration subsystem: directive table, redis.conf and command-line
//! parsing, and the logic behind `CONFIG GET`, `CONFIG SET` and
//! `CONFIG REWRITE`, all matching Redis 7.2 behaviour and error texts.
//!
//! The module is pure: it never touches the network. Loading a `dir`
//! directive changes the process working directory (as Redis does) unless
//! [`LoadOptions::chdir`] is turned off; `CONFIG SET dir` only validates and
//! stores the new directory, the server's apply hook performs the `chdir`.

mod cli;
pub mod directives;
mod glob;
mod parse;
mod rewrite;
mod value;

#[cfg(test)]
mod tests_load;
#[cfg(test)]
mod tests_rewrite;
#[cfg(test)]
mod tests_set;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use cli::{parse_command_line, parse_command_line_with, usage_text, version_line};
pub use directives::{Directive, Kind, NumFormat, DIRECTIVES};
pub use glob::glob_match;
pub use parse::split_args;
pub use value::{notify, ObLimit};

use directives::{
    lookup, runtime_entries, Entry, DENY_LOADING, FILE_ONLY, HIDDEN, IMMUTABLE, MULTI_ARG,
    PROTECTED, SENSITIVE,
};
use value::{default_value, format_value, parse_value, SetEnv, TitleCtx, Value};

/// The Redis version whose behaviour we reproduce (and report).
pub const REDIS_COMPAT_VERSION: &str = "7.2.4";

/// Result of parsing the command line.
#[derive(Debug)]
pub enum CliOutcome {
    /// Start the server with this configuration.
    Run(Config),
    /// Print the given texts and exit with `code`.
    Exit {
        /// Text for standard output.
        stdout: String,
        /// Text for standard error.
        stderr: String,
        /// Process exit status.
        code: i32,
    },
}

/// A fatal startup problem, with the exact texts Redis prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartupError {
    /// Text for standard output (Redis logs some failures there).
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// Process exit status.
    pub code: i32,
}

/// Callback telling whether a command exists (lowercase name).
pub type CommandExists<'a> = Box<dyn Fn(&[u8]) -> bool + 'a>;

/// Callback validating a `user` line: `Err((argument index, message))`.
pub type UserValidator<'a> = Box<dyn Fn(&[Vec<u8>]) -> Result<(), (usize, String)> + 'a>;

/// Knobs for loading configuration (mostly useful for embedding and tests).
pub struct LoadOptions<'a> {
    /// Source used when the command line asks to read the config from
    /// standard input (`-`); `None` reads the real stdin.
    pub stdin: Option<Box<dyn Read + 'a>>,
    /// Change the process working directory when `dir` is loaded (Redis
    /// does). When off, `dir` is only resolved and validated.
    pub chdir: bool,
    /// Starting directory for relative paths (defaults to the process cwd).
    pub cwd: Option<PathBuf>,
    /// Tells whether a command exists (case-insensitive, lowercase input),
    /// enabling `rename-command`'s "No such command" and "already exists" checks.
    pub command_exists: Option<CommandExists<'a>>,
    /// Validates a `user` line (full argv, including `user`); on failure
    /// returns the index of the offending argument and the ACL error text.
    pub validate_user: Option<UserValidator<'a>>,
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions {
            stdin: None,
            chdir: true,
            cwd: None,
            command_exists: None,
            validate_user: None,
        }
    }
}

/// Facts about the client issuing `CONFIG SET`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SetContext {
    /// The client is connected over loopback or a Unix socket
    /// (matters for `enable-protected-configs local`).
    pub client_is_local: bool,
    /// The server is loading its dataset (blocks `DENY_LOADING` directives).
    pub loading: bool,
}

/// The server configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Current value of each entry of [`DIRECTIVES`].
    pub(crate) values: Vec<Value>,
    /// Absolute path of the configuration file, if any.
    pub(crate) config_file: Option<PathBuf>,
    /// `rename-command` pairs in file order.
    pub(crate) renames: Vec<(Vec<u8>, Vec<u8>)>,
    /// `user` directives (arguments after `user`).
    pub(crate) users: Vec<Vec<Vec<u8>>>,
    /// `loadmodule` directives (path and arguments).
    pub(crate) modules: Vec<Vec<Vec<u8>>>,
    /// Module configuration directives (`module.name value`).
    pub(crate) module_configs: Vec<(Vec<u8>, Vec<u8>)>,
    /// ACL user descriptions to write on `CONFIG REWRITE`.
    pub(crate) acl_rewrite: Option<Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Config::with_cwd(&cwd)
    }
}

impl Config {
    /// A configuration with every directive at its default and `dir` = `cwd`.
    pub fn with_cwd(cwd: &Path) -> Config {
        Config {
            values: DIRECTIVES.iter().map(|d| default_value(d, cwd)).collect(),
            config_file: None,
            renames: Vec::new(),
            users: Vec::new(),
            modules: Vec::new(),
            module_configs: Vec::new(),
            acl_rewrite: None,
        }
    }

    /// Parses configuration text as if it were a file (no config file is
    /// recorded, so `CONFIG REWRITE` will refuse).
    pub fn from_text(text: &[u8], mut opts: LoadOptions<'_>) -> Result<Config, StartupError> {
        let cwd = start_dir(&opts);
        let mut cfg = Config::with_cwd(&cwd);
        let mut loader = parse::Loader::new(&mut cfg, &mut opts, cwd);
        loader.load_string(text)?;
        Ok(cfg)
    }

    fn slot(&self, name: &str) -> Option<(&'static Directive, &Value)> {
        let e = lookup(name.as_bytes())?;
        Some((e.directive(), self.values.get(e.index)?))
    }

    /// The directive a name (or alias) refers to.
    pub fn directive(name: &str) -> Option<&'static Directive> {
        lookup(name.as_bytes()).map(|e| e.directive())
    }

    /// True for directives whose values must be redacted from logs.
    pub fn is_sensitive(name: &[u8]) -> bool {
        lookup(name).is_some_and(|e| e.directive().has(SENSITIVE))
    }

    /// Integer value of a directive (enum values and 0/1 for booleans);
    /// 0 for unknown names.
    pub fn get_i64(&self, name: &str) -> i64 {
        match self.slot(name) {
            Some((_, Value::Int(n))) => *n,
            Some((_, Value::Enum(n))) => i64::from(*n),
            Some((_, Value::Bool(b))) => i64::from(*b),
            Some((_, Value::Notify(f))) => i64::from(*f),
            _ => 0,
        }
    }

    /// Unsigned view of an integer directive (e.g. `maxmemory`).
    pub fn get_u64(&self, name: &str) -> u64 {
        self.get_i64(name) as u64
    }

    /// Boolean value of a directive; false for unknown or non-boolean names.
    pub fn get_bool(&self, name: &str) -> bool {
        matches!(self.slot(name), Some((_, Value::Bool(true))))
    }

    /// Value formatted exactly as `CONFIG GET` shows it (enum names, flags,
    /// byte counts...); empty for unknown names.
    pub fn get_str(&self, name: &str) -> String {
        self.slot(name)
            .map(|(d, v)| format_value(d, v))
            .unwrap_or_default()
    }

    /// The enum name(s) of an enum directive (same as [`Config::get_str`]).
    pub fn get_enum(&self, name: &str) -> String {
        self.get_str(name)
    }

    /// Raw bytes of a string directive (binary safe); formatted value otherwise.
    pub fn get_bytes(&self, name: &str) -> Vec<u8> {
        match self.slot(name) {
            Some((_, Value::Str(s))) => s.clone().unwrap_or_default(),
            Some((d, v)) => format_value(d, v).into_bytes(),
            None => Vec::new(),
        }
    }

    /// `bind` addresses (may be empty: listen on no TCP address).
    pub fn bind(&self) -> Vec<String> {
        match self.slot("bind") {
            Some((_, Value::Bind(a))) => a
                .iter()
                .map(|x| String::from_utf8_lossy(x).into_owned())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `save` points as `(seconds, changes)`.
    pub fn save_params(&self) -> Vec<(u64, u64)> {
        match self.slot("save") {
            Some((_, Value::Save(p))) => p
                .iter()
                .map(|&(s, c)| (s.max(0) as u64, c.max(0) as u64))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Output buffer limits `(hard, soft, soft_seconds)` for the normal,
    /// replica and pubsub classes.
    pub fn client_output_buffer_limits(&self) -> [(u64, u64, u64); 3] {
        let l = match self.slot("client-output-buffer-limit") {
            Some((_, Value::Obl(l))) => *l,
            _ => value::OBL_DEFAULTS,
        };
        l.map(|x| (x.hard, x.soft, x.soft_seconds.max(0) as u64))
    }

    /// `oom-score-adj-values` for primary, replica and background child.
    pub fn oom_score_adj_values(&self) -> [i32; 3] {
        match self.slot("oom-score-adj-values") {
            Some((_, Value::Oom(v))) => *v,
            _ => value::OOM_DEFAULTS,
        }
    }

    /// Keyspace notification flags (see [`notify`]).
    pub fn notify_keyspace_events(&self) -> u32 {
        match self.slot("notify-keyspace-events") {
            Some((_, Value::Notify(f))) => *f,
            _ => 0,
        }
    }

    /// Primary to replicate from (`replicaof`), if any.
    pub fn replica_of(&self) -> Option<(String, u16)> {
        match self.slot("replicaof") {
            Some((_, Value::ReplicaOf(Some((h, p))))) => Some((
                String::from_utf8_lossy(h).into_owned(),
                u16::try_from(*p).unwrap_or(0),
            )),
            _ => None,
        }
    }

    /// Percentiles for latency statistics.
    pub fn latency_tracking_percentiles(&self) -> Vec<f64> {
        match self.slot("latency-tracking-info-percentiles") {
            Some((_, Value::Percentiles(p))) => p.clone(),
            _ => Vec::new(),
        }
    }

    /// The configured working directory (absolute).
    pub fn dir(&self) -> PathBuf {
        match self.slot("dir") {
            Some((_, Value::Dir(p))) => p.clone(),
            _ => PathBuf::from("/"),
        }
    }

    /// Absolute path of the configuration file, if the server was started with one.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.config_file.clone()
    }

    /// Records the configuration file path (made absolute like Redis does).
    pub fn set_config_file(&mut self, path: Option<&Path>) {
        self.config_file =
            path.map(|p| cli::absolute_path(p.as_os_str().as_encoded_bytes(), &self.dir()));
    }

    /// `rename-command` pairs `(old, new)` in file order (`new` empty: removed).
    pub fn renamed_commands(&self) -> &[(Vec<u8>, Vec<u8>)] {
        &self.renames
    }

    /// `user` directives from the configuration (arguments after `user`).
    pub fn users(&self) -> &[Vec<Vec<u8>>] {
        &self.users
    }

    /// `loadmodule` directives (module path followed by its arguments).
    pub fn load_modules(&self) -> &[Vec<Vec<u8>>] {
        &self.modules
    }

    /// Module configuration directives seen in the configuration.
    pub fn module_configs(&self) -> &[(Vec<u8>, Vec<u8>)] {
        &self.module_configs
    }

    /// Supplies the ACL users (`"<name> <rules>"`, without the `user`
    /// keyword) that `CONFIG REWRITE` should write; `None` writes back the
    /// `user` lines that were loaded.
    pub fn set_acl_users_for_rewrite(&mut self, users: Option<Vec<String>>) {
        self.acl_rewrite = users;
    }

    /// Number of worker threads to start (`worker-threads`, 0 = CPU count).
    pub fn worker_threads(&self) -> usize {
        match usize::try_from(self.get_i64("worker-threads")) {
            Ok(0) | Err(_) => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            Ok(n) => n,
        }
    }

    /// Every runtime directive (canonical names only) with its `CONFIG GET` value.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        DIRECTIVES
            .iter()
            .zip(self.values.iter())
            .filter(|(d, _)| !d.has(FILE_ONLY))
            .map(|(d, v)| (d.name, format_value(d, v)))
    }

    /// `CONFIG GET pattern [pattern ...]`.
    ///
    /// A pattern without `*`, `?` or `[` is an exact (case-insensitive) name
    /// and is echoed back as typed; hidden directives are only returned this
    /// way. Glob patterns are matched case-insensitively against every name
    /// and alias. Each name appears once.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let mut out: Vec<(String, Entry)> = Vec::new();
        let seen = |out: &Vec<(String, Entry)>, n: &str| {
            out.iter().any(|(k, _)| k.eq_ignore_ascii_case(n))
        };
        for pat in patterns {
            let is_glob = pat.iter().any(|c| matches!(c, b'[' | b'*' | b'?'));
            if !is_glob {
                let typed = String::from_utf8_lossy(pat).into_owned();
                if seen(&out, &typed) {
                    continue;
                }
                if let Some(e) = lookup(pat) {
                    out.push((typed, e));
                }
                continue;
            }
            for e in runtime_entries() {
                if e.directive().has(HIDDEN) || seen(&out, e.name()) {
                    continue;
                }
                if glob_match(pat, e.name().as_bytes(), true) {
                    out.push((e.name().to_string(), e));
                }
            }
        }
        out.into_iter()
            .map(|(k, e)| {
                let v = self
                    .values
                    .get(e.index)
                    .map(|v| format_value(e.directive(), v))
                    .unwrap_or_default();
                (k, v)
            })
            .collect()
    }

    /// `CONFIG SET name value [name value ...]` from a non-local client while not loading.
    ///
    /// See [`Config::set_with`].
    pub fn set(
        &mut self,
        pairs: &[(&[u8], &[u8])],
        apply: &mut dyn FnMut(&str, &Config) -> Result<(), String>,
    ) -> Result<(), String> {
        self.set_with(pairs, &SetContext::default(), apply)
    }

    /// `CONFIG SET` with an explicit client context.
    ///
    /// Everything is validated before anything changes; then all values are
    /// stored and `apply` is called once per changed canonical directive. If
    /// a hook fails, all previous values are restored and the hooks are
    /// called again so the server can re-apply them. Errors are the full
    /// reply text (`ERR ...`, or `LOADING ...`).
    pub fn set_with(
        &mut self,
        pairs: &[(&[u8], &[u8])],
        ctx: &SetContext,
        apply: &mut dyn FnMut(&str, &Config) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut entries: Vec<Entry> = Vec::with_capacity(pairs.len());
        let mut invalid = false;
        let mut unknown: Option<String> = None;
        let mut deny_loading = false;
        let mut err: Option<(String, &'static str)> = None;
        for (name, _) in pairs {
            let typed = String::from_utf8_lossy(name).into_owned();
            let Some(e) = lookup(name) else {
                if !invalid {
                    unknown = Some(typed);
                    invalid = true;
                }
                continue;
            };
            if invalid {
                continue;
            }
            let d = e.directive();
            let protected_ok = match self.values.get(index_of("enable-protected-configs")) {
                Some(Value::Enum(1)) => true,
                Some(Value::Enum(2)) => ctx.client_is_local,
                _ => false,
            };
            if d.has(IMMUTABLE) || (d.has(PROTECTED) && !protected_ok) {
                let msg = if d.has(IMMUTABLE) {
                    "can't set immutable config"
                } else {
                    "can't set protected config"
                };
                err = Some((typed, msg));
                invalid = true;
                continue;
            }
            if ctx.loading && d.has(DENY_LOADING) {
                deny_loading = true;
                invalid = true;
                continue;
            }
            if entries.contains(&e) {
                err = Some((typed, "duplicate parameter"));
                invalid = true;
                continue;
            }
            entries.push(e);
        }
        if deny_loading {
            return Err("LOADING Redis is loading the dataset in memory".into());
        }
        if let Some(n) = unknown {
            return Err(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{n}'"
            ));
        }
        if let Some((n, msg)) = err {
            return Err(format!(
                "ERR CONFIG SET failed (possibly related to argument '{n}') - {msg}"
            ));
        }

        let backup = self.values.clone();
        // Canonical names to apply, with the registered name that asked first.
        let mut to_apply: Vec<(&'static str, &'static str)> = Vec::new();
        for (e, (_, raw)) in entries.iter().zip(pairs) {
            let d = e.directive();
            let args: Vec<Vec<u8>> = if d.has(MULTI_ARG) {
                if raw.is_empty() {
                    Vec::new()
                } else {
                    raw.split(|&c| c == b' ').map(|a| a.to_vec()).collect()
                }
            } else {
                vec![raw.to_vec()]
            };
            let dir = self.dir();
            let mut save_loaded = false;
            let mut env = SetEnv {
                reading_file: false,
                save_loaded: &mut save_loaded,
                cwd: &dir,
                chdir: false,
                title_ctx: self.title_ctx(),
            };
            let old = self.values.get(e.index).cloned().unwrap_or(Value::Nothing);
            match parse_value(d, &old, &args, &mut env) {
                Ok((v, changed)) => {
                    if let Some(slot) = self.values.get_mut(e.index) {
                        *slot = v;
                    }
                    if changed && !to_apply.iter().any(|(c, _)| *c == d.name) {
                        to_apply.push((d.name, e.name()));
                    }
                }
                Err(msg) => {
                    self.values = backup;
                    return Err(format!(
                        "ERR CONFIG SET failed (possibly related to argument '{}') - {msg}",
                        e.name()
                    ));
                }
            }
        }
        for (canonical, registered) in &to_apply {
            if let Err(msg) = apply(canonical, self) {
                self.values = backup;
                for (c, _) in &to_apply {
                    let _ = apply(c, self);
                }
                return Err(if msg.is_empty() {
                    format!("ERR CONFIG SET failed (possibly related to argument '{registered}')")
                } else {
                    format!("ERR CONFIG SET failed (possibly related to argument '{registered}') - {msg}")
                });
            }
        }
        Ok(())
    }

    /// `CONFIG REWRITE`: rewrites the configuration file in place.
    pub fn rewrite(&self) -> Result<(), String> {
        rewrite::rewrite_file(self)
    }

    /// Facts used to validate `proc-title-template`.
    pub(crate) fn title_ctx(&self) -> TitleCtx {
        let bind0 = match self.values.get(index_of("bind")) {
            Some(Value::Bind(a)) => a.first().cloned(),
            _ => None,
        };
        let unixsocket = match self.values.get(index_of("unixsocket")) {
            Some(Value::Str(s)) => s.clone(),
            _ => None,
        };
        TitleCtx {
            bind0,
            port: self.get_i64("port"),
            tls_port: self.get_i64("tls-port"),
            unixsocket,
            config_file: self
                .config_file
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            cluster: self.get_bool("cluster-enabled"),
        }
    }
}

/// Index of a canonical name in [`DIRECTIVES`] (`usize::MAX` if absent).
fn index_of(name: &str) -> usize {
    lookup(name.as_bytes())
        .map(|e| e.index)
        .unwrap_or(usize::MAX)
}

/// The directory loading starts from.
fn start_dir(opts: &LoadOptions<'_>) -> PathBuf {
    opts.cwd
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"))
}
