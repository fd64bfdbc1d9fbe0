//! Command-specific key functions (Redis's `getkeys_proc`), attached to their
//! commands' declarations with `.keys_fn(...)`. The extractor that calls them
//! is `exec::keys`; these exist only where key specs cannot say everything:
//! flags that depend on the arguments, a numkeys count, STORE options.

use cinnabar_resp::Args;

use super::geo::is_kw;
use crate::exec::meta::keyflag;

/// C's `atoi` (leading blanks, a sign, digits up to the first non-digit;
/// overflow truncated to 32 bits as glibc's `(int)strtol` does).
fn atoi(s: &[u8]) -> i32 {
    let mut i = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut n: i64 = 0;
    let mut overflow = false;
    for &b in s.iter().skip(i).take_while(|b| b.is_ascii_digit()) {
        match n
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
        {
            Some(v) => n = v,
            None => {
                overflow = true;
                break;
            }
        }
    }
    let n = match (overflow, negative) {
        (true, false) => i64::MAX,
        (true, true) => i64::MIN,
        (false, true) => -n,
        (false, false) => n,
    };
    n as i32
}

/// Redis's `genericGetKeys`: `count` keys from `first` where `args[count_at]`
/// is read with `atoi`, then the destination key at `store` (0: none), all
/// without flags; nothing when the count is out of range.
fn generic_keys(args: &Args<'_>, store: usize, count_at: usize, first: usize) -> Vec<(usize, u32)> {
    let num = i64::from(atoi(args.get(count_at)));
    let room = args.len() as i64 - first as i64;
    if num < 1 || num > room {
        return Vec::new();
    }
    let mut keys: Vec<(usize, u32)> = (first..first + num as usize).map(|p| (p, 0)).collect();
    if store > 0 {
        keys.push((store, 0));
    }
    keys
}

/// `CMD destination numkeys key [key ...] ...` (ZUNIONSTORE, ZINTERSTORE,
/// ZDIFFSTORE).
pub fn numkeys_store_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    generic_keys(args, 1, 2, 3)
}

/// `CMD numkeys key [key ...] ...` (ZUNION, ZINTER, ZDIFF, ZINTERCARD,
/// SINTERCARD, LMPOP, ZMPOP).
pub fn numkeys_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    generic_keys(args, 0, 1, 2)
}

/// `CMD timeout numkeys key [key ...] ...` (BLMPOP, BZMPOP).
pub fn blocking_numkeys_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    generic_keys(args, 0, 2, 3)
}

/// SET: the key is overwritten, or also read with GET (Redis's `setGetKeys`).
pub fn set_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let get = (3..args.len()).any(|i| args.get(i).eq_ignore_ascii_case(b"get"));
    let flags = if get {
        keyflag::RW | keyflag::ACCESS | keyflag::UPDATE
    } else {
        keyflag::OW | keyflag::UPDATE
    };
    vec![(1, flags)]
}

/// BITFIELD: read-only when every operation is a complete GET (or OVERFLOW);
/// anything else, malformed input included, counts as a write.
pub fn bitfield_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let mut readonly = true;
    let mut i = 2;
    while i < args.len() {
        let remaining = args.len() - i - 1;
        let arg = args.get(i);
        if arg.eq_ignore_ascii_case(b"get") && remaining >= 2 {
            i += 3;
        } else if arg.eq_ignore_ascii_case(b"overflow") && remaining >= 1 {
            i += 2;
        } else {
            readonly = false;
            break;
        }
    }
    let flags = if readonly {
        keyflag::RO | keyflag::ACCESS
    } else {
        keyflag::RW | keyflag::ACCESS | keyflag::UPDATE
    };
    vec![(1, flags)]
}

/// SORT: the sorted key, plus the last STORE destination (skipping the
/// arguments of LIMIT, GET and BY as Redis's `sortGetKeys` does).
pub fn sort_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let mut keys = vec![(1, keyflag::RO | keyflag::ACCESS)];
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        let arg = args.get(i);
        if arg.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if arg.eq_ignore_ascii_case(b"get") || arg.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if arg.eq_ignore_ascii_case(b"store") && i + 1 < args.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(p) = store {
        keys.push((p, keyflag::OW | keyflag::UPDATE));
    }
    keys
}

/// SORT_RO: only the sorted key (its BY and GET patterns cannot be listed).
pub fn sort_ro_keys(_args: &Args<'_>) -> Vec<(usize, u32)> {
    vec![(1, keyflag::RO | keyflag::ACCESS)]
}

/// MIGRATE: the key argument, or every key after KEYS (when the key argument
/// is empty), skipping the arguments of AUTH and AUTH2.
pub fn migrate_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let (mut first, mut num) = (3usize, 1usize);
    if args.len() > 6 {
        let mut i = 6;
        while i < args.len() {
            let arg = args.get(i);
            if arg.eq_ignore_ascii_case(b"keys") {
                if !args.get(3).is_empty() {
                    return Vec::new();
                }
                first = i + 1;
                num = args.len() - first;
                break;
            }
            if arg.eq_ignore_ascii_case(b"auth") {
                i += 1;
            } else if arg.eq_ignore_ascii_case(b"auth2") {
                i += 2;
            }
            i += 1;
        }
    }
    let flags = keyflag::RW | keyflag::ACCESS | keyflag::DELETE;
    (first..first + num).map(|p| (p, flags)).collect()
}

/// GEORADIUS / GEORADIUSBYMEMBER (Redis's `georadiusGetKeys`): the source
/// key, plus the key after the last STORE or STOREDIST option, both without
/// flags. Options are looked for from index 5 on for both commands, and a
/// keyword is compared as C's `strcasecmp` reads it (up to a NUL byte), as
/// the handler does.
pub fn georadius_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let mut stored = None;
    let mut i = 5;
    while i + 1 < args.len() {
        let arg = args.get(i);
        if is_kw(arg, "store") || is_kw(arg, "storedist") {
            stored = Some(i + 1);
            i += 1;
        }
        i += 1;
    }
    let mut keys = vec![(1, 0)];
    if let Some(p) = stored {
        keys.push((p, 0));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::command::CommandDef;
    use crate::exec::keys::{command_keys, has_keys, lock_positions};
    use std::ops::Range;

    fn with_args<T>(words: &[&str], f: impl FnOnce(&Args<'_>) -> T) -> T {
        let mut base = Vec::new();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for w in words {
            let s = base.len();
            base.extend_from_slice(w.as_bytes());
            ranges.push(s..base.len());
        }
        f(&Args::new(&base, &ranges))
    }

    #[test]
    fn atoi_like_c() {
        assert_eq!(atoi(b"12"), 12);
        assert_eq!(atoi(b"  -3x"), -3);
        assert_eq!(atoi(b"+7"), 7);
        assert_eq!(atoi(b"2abc"), 2);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b""), 0);
        assert_eq!(atoi(b"99999999999999999999999"), -1);
    }

    #[test]
    fn numkeys_functions() {
        let keys = with_args(&["zunionstore", "d", "2x", "a", "b"], |a| {
            numkeys_store_keys(a)
        });
        assert_eq!(keys, vec![(3, 0), (4, 0), (1, 0)]);
        let keys = with_args(&["zunion", "3", "a", "b"], numkeys_keys);
        assert!(keys.is_empty());
    }

    #[test]
    fn sort_and_bitfield() {
        let keys = with_args(&["sort", "k", "by", "store", "store", "d"], sort_keys);
        assert_eq!(
            keys,
            vec![
                (1, keyflag::RO | keyflag::ACCESS),
                (5, keyflag::OW | keyflag::UPDATE)
            ]
        );
        let keys = with_args(&["bitfield", "k", "get", "u8", "0"], bitfield_keys);
        assert_eq!(keys, vec![(1, keyflag::RO | keyflag::ACCESS)]);
        let keys = with_args(&["bitfield", "k", "get", "u8"], bitfield_keys);
        assert_eq!(
            keys,
            vec![(1, keyflag::RW | keyflag::ACCESS | keyflag::UPDATE)]
        );
    }

    /// Expected values are Redis 7.2's COMMAND GETKEYSANDFLAGS replies
    /// (`@` stands for an empty argument; "" for "Invalid arguments").
    #[test]
    fn matches_redis_getkeysandflags() {
        use crate::commands::prelude::*;
        fn noop(_: &mut crate::exec::Ctx<'_>, _: &Args<'_>) -> crate::error::CmdResult {
            Ok(())
        }
        let table = crate::commands::table();
        // MIGRATE is not served; its Redis key specs and key function.
        static MIGRATE_SPECS: &[KeySpec] = &[
            KeySpec::single(RW | ACCESS | DELETE, 3),
            kw_range(RW | ACCESS | DELETE | INCOMPLETE, "KEYS", -2, -1, 1, 0),
        ];
        let migrate = CommandDef::new(
            "migrate",
            -6,
            crate::commands::flags::WRITE,
            "generic",
            noop,
        )
        .key_specs(MIGRATE_SPECS)
        .keys_fn(migrate_keys);
        let cases: &[(&str, &str)] = &[
            (
                "zunionstore d 2 a b weights 1 2",
                "d:OW,update a:RO,access b:RO,access",
            ),
            ("zunionstore d 2x a b", "a: b: d:"),
            ("zunionstore d 0 a", ""),
            ("zunionstore d 3 a b", ""),
            ("zinter 2x a b", "a: b:"),
            ("zintercard 2 a b limit 1", "a:RO,access b:RO,access"),
            ("zdiffstore d 1 a", "d:OW,update a:RO,access"),
            ("zmpop 1x a min", "a:"),
            ("bzmpop 0 1 a min", "a:RW,access,delete"),
            ("bzmpop 0 +1 a min", "a:"),
            ("sort k store d limit 0 1 get #", "k:RO,access d:OW,update"),
            ("sort k limit store x store d", "k:RO,access d:OW,update"),
            ("sort k store", "k:RO,access"),
            ("sort_ro k by x get y", "k:RO,access"),
            ("migrate h p k 0 10", "k:RW,access,delete"),
            (
                "migrate h p @ 0 10 keys a b",
                "a:RW,access,delete b:RW,access,delete",
            ),
            ("migrate h p k 0 10 keys a b", ""),
            (
                "migrate h p @ 0 10 auth2 u pw keys a b",
                "a:RW,access,delete b:RW,access,delete",
            ),
            ("migrate h p @ 0 10 keys", "@:RW,access,delete"),
            ("georadius k 0 0 1 m store", "k:RO,access"),
            (
                "georadius k 0 0 1 m storedist d store e",
                "k:RO,access e:OW,update d:OW,update",
            ),
            ("georadiusbymember k m 1 m storedist", "k:RO,access"),
            (
                "georadius k 0 0 1 m store d store e",
                "k:RO,access d:OW,update",
            ),
            (
                "geosearchstore d s frommember m byradius 1 m",
                "d:OW,update s:RO,access",
            ),
            (
                "pfmerge d a b",
                "d:RW,access,insert a:RO,access b:RO,access",
            ),
            ("set k v ex 1 get", "k:RW,access,update"),
            ("set k v", "k:OW,update"),
            ("bitfield k overflow wrap get u8 0", "k:RO,access"),
            ("bitfield k get u8", "k:RW,access,update"),
        ];
        for (line, expected) in cases {
            let words: Vec<&str> = line
                .split(' ')
                .map(|w| if w == "@" { "" } else { w })
                .collect();
            let def = if words[0] == "migrate" {
                &migrate
            } else {
                table.get(words[0].as_bytes()).expect("declared")
            };
            let got = with_args(&words, |a| {
                command_keys(def, a)
                    .into_iter()
                    .map(|(pos, f)| {
                        let names: Vec<&str> = keyflag::NAMES
                            .iter()
                            .filter(|(bit, _)| f & bit != 0)
                            .map(|(_, n)| *n)
                            .collect();
                        let word = if a.get(pos).is_empty() {
                            b"@" as &[u8]
                        } else {
                            a.get(pos)
                        };
                        format!("{}:{}", String::from_utf8_lossy(word), names.join(","))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            assert_eq!(&got, expected, "{line}");
        }
    }

    /// The lock set follows the handler where GETKEYS follows the specs:
    /// GEORADIUS stores into the last STORE, PFMERGE may name only its
    /// destination; CONFIG SET is not SET.
    #[test]
    fn lock_set_follows_the_handler() {
        let table = crate::commands::table();
        let lock = |line: &str| {
            let words: Vec<&str> = line.split(' ').collect();
            let def = table.get(words[0].as_bytes()).expect("declared");
            with_args(&words, |a| {
                let mut p = lock_positions(def, a);
                p.sort_unstable();
                p
            })
        };
        assert_eq!(lock("georadius k 0 0 1 m store d store e"), vec![1, 7, 9]);
        assert_eq!(lock("georadius k 0 0 1 m store\0x e"), vec![1, 7]);
        assert_eq!(lock("georadiusbymember k m 1 m storedist d"), vec![1, 6]);
        assert_eq!(lock("pfmerge d"), vec![1]);
        assert_eq!(lock("zunionstore d x a b"), vec![1]);
        assert_eq!(lock("get k"), vec![1]);
        assert_eq!(lock("mset a 1 b 2"), vec![1, 3]);
        let config = table.get(b"config").expect("declared");
        let set = crate::commands::find_subcommand(config, b"set").expect("declared");
        assert!(!has_keys(set));
    }

    /// A typical command line built from a command's documented arguments:
    /// optional ones left out (`full` false) or all given, repeatable ones
    /// twice, the first (or, with `last_choice`, the last) of each choice.
    fn typical_line(
        args: &[crate::commands::ArgSpec],
        full: bool,
        last_choice: bool,
        out: &mut Vec<String>,
    ) {
        use crate::commands::meta::argflag;
        use crate::commands::ArgType;
        for a in args {
            if a.flags & argflag::OPTIONAL != 0 && !full {
                continue;
            }
            let reps = if a.flags & argflag::MULTIPLE != 0 {
                2
            } else {
                1
            };
            for r in 0..reps {
                if !a.token.is_empty() && (r == 0 || a.flags & argflag::MULTIPLE_TOKEN != 0) {
                    out.push(a.token.to_string());
                }
                let n = out.len();
                match a.kind {
                    ArgType::Key => out.push(format!("key{n}")),
                    ArgType::Integer if a.name == "numkeys" => out.push("2".into()),
                    ArgType::Integer | ArgType::UnixTime => out.push("1".into()),
                    ArgType::Double => out.push("1.5".into()),
                    ArgType::String | ArgType::Pattern => out.push(format!("s{n}")),
                    ArgType::PureToken => {}
                    ArgType::OneOf => {
                        let pick = if last_choice { a.subargs.len() - 1 } else { 0 };
                        if let Some(sub) = a.subargs.get(pick) {
                            typical_line(std::slice::from_ref(sub), true, last_choice, out);
                        }
                    }
                    ArgType::Block => typical_line(a.subargs, full, last_choice, out),
                }
            }
        }
    }

    /// The lock set covers every key GETKEYS names, and the single-key fast
    /// path agrees with the general extractor, on typical lines of every
    /// command; odd lines (of a valid length) never make the extractor panic
    /// or point outside the arguments.
    #[test]
    fn lock_set_covers_getkeys_on_every_command() {
        let table = crate::commands::table();
        let pool = [
            "0",
            "1",
            "2",
            "-1",
            "9223372036854775807",
            "store",
            "STOREDIST",
            "keys",
            "",
            "x",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for (full, def) in &table.full {
            let prefix: Vec<String> = full.split('|').map(str::to_string).collect();
            let mut lines = Vec::new();
            for (all, last) in [(false, false), (true, false), (true, true)] {
                let mut words = prefix.clone();
                typical_line(def.args, all, last, &mut words);
                lines.push(words);
            }
            for _ in 0..100 {
                let mut words = prefix.clone();
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                for k in 0..(seed % 9) {
                    let w = pool[((seed >> (8 + 4 * k)) % pool.len() as u64) as usize];
                    words.push(w.to_string());
                }
                lines.push(words);
            }
            // Dispatch (and COMMAND GETKEYS) check the arity first.
            let fits = |n: usize| {
                let n = n as i32;
                if def.arity >= 0 {
                    n == def.arity
                } else {
                    n >= -def.arity
                }
            };
            for words in lines.into_iter().filter(|w| fits(w.len())) {
                let refs: Vec<&str> = words.iter().map(String::as_str).collect();
                with_args(&refs, |a| {
                    let keys: Vec<usize> = command_keys(def, a).iter().map(|k| k.0).collect();
                    let lock = lock_positions(def, a);
                    for p in keys.iter().chain(&lock) {
                        assert!(*p < a.len(), "{full}: {words:?}");
                    }
                    for p in &keys {
                        assert!(lock.contains(p), "{full}: {words:?} locks {lock:?}");
                    }
                    if let Some(i) = def.single_key() {
                        if i < a.len() {
                            assert_eq!(keys, vec![i], "{full}: {words:?}");
                        }
                    }
                });
            }
        }
    }
}
