//! Running a sweep: workers take runs in run-id order from a shared counter, and one writer
//! appends finished runs to `runs.csv.partial` in run-id order (holding back the few that
//! finish early), so memory stays bounded and the partial file is always a complete prefix
//! of the final table. `--resume` keeps that prefix, drops a torn last line, and goes on.
//! When the last run is written the partial file is renamed, the points table is computed
//! from it, and the manifest is written last.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::design::Designer;
use super::manifest::{Manifest, Shard};
use super::spec::{Sweep, apply};
use super::table::{Columns, csv_line, write_points};
use crate::engine::Simulation;
use crate::results_folder;
use crate::rng::replicate_seed;

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub jobs: usize,
    pub shard: Option<(u64, u64)>,
    pub resume: bool,
    pub force: bool,
    pub quiet: bool,
}

/// What a sweep did.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub runs_done_now: u64,
    pub runs_total: u64,
    pub already_complete: bool,
    pub files: [PathBuf; 3],
}

pub fn execute(sweep: &Sweep, opts: &Options) -> Result<Outcome> {
    let columns = Columns::of(sweep);
    let shard = opts
        .shard
        .map(|(i, n)| Shard::new(i, n, sweep.points(), sweep.header.replicates));
    let (first, end) = shard.map_or((0, sweep.runs()), |s| (s.first_run, s.end_run));
    // An unsharded sweep holds its folder alone. The shards of a sweep share one folder, so
    // each takes the folder's lock shared and its own shard's lock alone: two runs of one
    // shard, or a shard and an unsharded sweep, never write one folder at once.
    let _folder_lock = results_folder::lock(&opts.out, shard.is_some())?;
    let _shard_lock = match &shard {
        Some(s) => {
            let (parent, leaf) = results_folder::parent_and_leaf(&opts.out)?;
            let lock = parent.join(format!(".{leaf}.shard-{}-of-{}.lock", s.index, s.count));
            Some(results_folder::lock_file(&lock, &opts.out, false)?)
        }
        None => None,
    };
    let files = Manifest::paths(&opts.out, shard.as_ref());
    let [runs_path, points_path, manifest_path] = &files;
    let partial = partial_path(runs_path);
    let pending = partial_path(manifest_path);
    let manifest = Manifest::new(sweep, &columns, shard);

    if manifest_path.exists() {
        if opts.resume && !opts.force {
            let old: Manifest = serde_json::from_slice(&std::fs::read(manifest_path)?)
                .with_context(|| format!("cannot read {}", manifest_path.display()))?;
            if let Some(why) = manifest.difference(&old) {
                bail!(
                    "{} holds a finished sweep, but {why}; use --force to run it again, or \
                     choose another --out",
                    opts.out.display()
                );
            }
            return Ok(Outcome {
                runs_done_now: 0,
                runs_total: end - first,
                already_complete: true,
                files,
            });
        }
        if !opts.force {
            bail!(
                "{} already holds this sweep's results; use --force to run it again",
                opts.out.display()
            );
        }
    }
    if opts.resume && !opts.force && !partial.exists() && runs_path.exists() && pending.exists() {
        // Killed after the runs table was moved into place but before the manifest was
        // written: put the table back as the partial one, so that resuming finds every run
        // done and writes the points and the manifest.
        std::fs::rename(runs_path, &partial)
            .with_context(|| format!("cannot reopen {}", runs_path.display()))?;
    }
    let resuming = opts.resume && !opts.force && partial.exists();
    if resuming {
        remove_stale_temp_files(&opts.out, &files)?;
    }
    if opts.force {
        clear_for_force(&opts.out, shard.is_some(), &files, &[&partial, &pending])?;
    } else if partial.exists() && !opts.resume {
        bail!(
            "{} holds an unfinished sweep; use --resume to complete it or --force to start over",
            opts.out.display()
        );
    } else if resuming {
        check_resumable(&manifest, &pending, &partial)?;
    } else {
        check_fresh(&opts.out, shard.is_some())?;
    }
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create the output folder {}", opts.out.display()))?;
    if !opts.out.join(results_folder::MARKER).exists() {
        results_folder::write_marker(&opts.out, "sweep")?;
    }
    if !resuming {
        // What the partial runs table is made of, so that `--resume` can tell a changed sweep.
        crate::output::write_atomic(&pending, &manifest.to_bytes())?;
    }

    let header = csv_line(&columns.runs_header());
    let (mut file, next) = open_partial(&partial, &header, first, end)?;
    let done_before = next - first;
    run_range(sweep, &columns, opts, next, end, done_before, &mut file)?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", partial.display()))?;
    drop(file);
    std::fs::rename(&partial, runs_path)
        .with_context(|| format!("cannot move {} into place", runs_path.display()))?;

    let tmp = temp_path(points_path);
    let points = (|| -> Result<()> {
        let mut out = std::io::BufWriter::new(
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?,
        );
        let runs = BufReader::new(File::open(runs_path)?);
        write_points(&columns, runs, &mut out)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        out.into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?
            .sync_all()
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, points_path)
            .with_context(|| format!("cannot move {} into place", points_path.display()))
    })();
    if points.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    points?;
    crate::output::write_atomic(manifest_path, &manifest.to_bytes())?;
    let _ = std::fs::remove_file(&pending);
    Ok(Outcome {
        runs_done_now: end - next,
        runs_total: end - first,
        already_complete: false,
        files,
    })
}

/// `--force`: the folder must hold reformsim's results and nothing else; then an unsharded
/// sweep clears all of them (a sweep's charts and sensitivity tables belong to the old runs),
/// and a shard clears only its own files, leaving the other shards' alone.
fn clear_for_force(out: &Path, sharded: bool, files: &[PathBuf; 3], own: &[&Path]) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let names = results_folder::entries(out)?;
    if names.is_empty() {
        return Ok(());
    }
    results_folder::check_only_results(out, &names)?;
    let remove = |path: &Path| -> Result<()> {
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
        match gone {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    };
    if sharded {
        for f in files
            .iter()
            .map(PathBuf::as_path)
            .chain(own.iter().copied())
        {
            remove(f)?;
        }
    } else {
        for name in names.iter().filter(|n| *n != results_folder::MARKER) {
            remove(&out.join(name))?;
        }
    }
    Ok(())
}

/// `--resume` over a partial runs table: only if the sweep file, base scenario, seeds file
/// and version are those that wrote it, by the record written when it was started.
fn check_resumable(now: &Manifest, pending: &Path, partial: &Path) -> Result<()> {
    let record = std::fs::read(pending)
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok());
    let Some(then) = record else {
        bail!(
            "cannot resume {}: the record of the inputs that wrote it ({}) is missing or \
             unreadable, so mixing its rows with new ones could mix two sweeps; use --force to \
             start over",
            partial.display(),
            pending.display()
        );
    };
    if let Some(why) = now.difference(&then) {
        bail!(
            "cannot resume {}: {why}. Its rows would not match the new runs: restore the \
             file to resume, or use --force to start over",
            partial.display()
        );
    }
    Ok(())
}

/// A new sweep (neither `--resume` over its partial table nor `--force`) starts only in an
/// empty folder, or, for a shard, in one that holds the other shards' files.
fn check_fresh(out: &Path, sharded: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!(
            "{} exists and is not a folder; choose another --out",
            out.display()
        );
    }
    let names = results_folder::entries(out)?;
    let foreign = names.iter().find(|n| {
        let shard_file = sharded && n.contains(".shard-") && results_folder::is_result_name(n);
        *n != results_folder::MARKER && !shard_file
    });
    if let Some(name) = foreign {
        bail!(
            "{} already holds files (`{}`); a sweep writes only into an empty folder. Pass \
             --force to replace reformsim's results there, or choose another --out",
            out.display(),
            crate::input::clip(name, 200)
        );
    }
    Ok(())
}

/// Removes the temporary files (`.runs.csv.tmp-PID` and the like) a killed sweep left
/// beside this sweep's files; the lock held now means no live process owns them.
fn remove_stale_temp_files(out: &Path, files: &[PathBuf; 3]) -> Result<()> {
    let prefixes: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                ".{}.tmp-",
                f.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    for name in results_folder::entries(out)? {
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            std::fs::remove_file(out.join(&name))
                .with_context(|| format!("cannot remove {}", out.join(&name).display()))?;
        }
    }
    Ok(())
}

fn partial_path(runs: &Path) -> PathBuf {
    let mut name = runs.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    runs.with_file_name(name)
}

fn temp_path(p: &Path) -> PathBuf {
    let name = p.file_name().unwrap_or_default().to_string_lossy();
    p.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Opens (or creates) the partial runs file and returns the next run id to compute: the
/// complete lines already there are kept, a torn last line is cut off.
fn open_partial(path: &Path, header: &[u8], first: u64, end: u64) -> Result<(File, u64)> {
    if !path.exists() {
        let mut f =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(header)
            .with_context(|| format!("cannot write {}", path.display()))?;
        return Ok((f, first));
    }
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::new(&mut f);
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    if line != header {
        bail!(
            "{} was written by another sweep (its header differs); use --force to start over",
            path.display()
        );
    }
    let mut keep = line.len() as u64;
    let mut next = first;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        // A line counts only if it is whole and is the run we expect next.
        let whole = n > 0 && line.last() == Some(&b'\n');
        let id = line
            .split(|&b| b == b',')
            .next()
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.parse::<u64>().ok());
        if !whole || id != Some(next) || next >= end {
            break;
        }
        keep += n as u64;
        next += 1;
    }
    drop(reader);
    f.set_len(keep)?;
    f.seek(std::io::SeekFrom::End(0))?;
    Ok((f, next))
}

/// Runs [next, end) on `opts.jobs` workers and appends them to `file` in run-id order.
fn run_range(
    sweep: &Sweep,
    columns: &Columns,
    opts: &Options,
    next: u64,
    end: u64,
    done_before: u64,
    file: &mut File,
) -> Result<()> {
    if next >= end {
        return Ok(());
    }
    let jobs = opts.jobs.max(1);
    let designer = Designer::new(sweep);
    let counter = AtomicU64::new(next);
    let written = AtomicU64::new(next);
    let abort = AtomicBool::new(false);
    // Workers stay at most this many runs ahead of the writer: the reorder buffer is bounded.
    let window = 4 * jobs as u64;
    let (tx, rx) = mpsc::channel::<(u64, Result<Vec<u8>, String>)>();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("cannot start the worker threads")?;
    let replicates = u64::from(sweep.header.replicates);

    std::thread::scope(|scope| -> Result<()> {
        let (counter, written, abort, designer) = (&counter, &written, &abort, &designer);
        scope.spawn(move || {
            pool.scope(|ps| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    ps.spawn(move |_| {
                        loop {
                            let run = counter.fetch_add(1, Ordering::SeqCst);
                            if run >= end || abort.load(Ordering::SeqCst) {
                                return;
                            }
                            while run >= written.load(Ordering::SeqCst) + window {
                                if abort.load(Ordering::SeqCst) {
                                    return;
                                }
                                std::thread::sleep(Duration::from_millis(2));
                            }
                            let line = one_run(sweep, columns, designer, run, replicates);
                            if tx.send((run, line)).is_err() {
                                return;
                            }
                        }
                    });
                }
            });
            drop(tx);
        });

        let total = end - next + done_before;
        let mut progress = Progress::new(opts.quiet, total, done_before, &sweep.header.name);
        let mut pending: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut to_write = next;
        let result = (|| -> Result<()> {
            while to_write < end {
                let (run, line) = match rx.recv_timeout(Duration::from_secs(1)) {
                    Ok(x) => x,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        progress.tick(to_write - next + done_before);
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        bail!("the workers stopped before every run was done")
                    }
                };
                let line = line.map_err(|m| anyhow::anyhow!(m))?;
                pending.insert(run, line);
                while let Some(line) = pending.remove(&to_write) {
                    file.write_all(&line)
                        .context("cannot append to the runs table (is the disk full?)")?;
                    to_write += 1;
                    written.store(to_write, Ordering::SeqCst);
                }
                progress.tick(to_write - next + done_before);
            }
            Ok(())
        })();
        if result.is_err() {
            abort.store(true, Ordering::SeqCst);
        }
        progress.finish();
        result
    })
}

/// One run: its design point's scenario, its replicate's seed, and its line in the table.
fn one_run(
    sweep: &Sweep,
    columns: &Columns,
    designer: &Designer,
    run: u64,
    replicates: u64,
) -> Result<Vec<u8>, String> {
    let (point, k) = (run / replicates, (run % replicates) as u32);
    let values = designer.point(&sweep.parameters, point);
    let set: Vec<_> = sweep.paths.iter().zip(values.iter().cloned()).collect();
    let scenario = apply(&sweep.tree, &set).map_err(|m| {
        let at: Vec<String> = sweep
            .parameters
            .iter()
            .zip(&values)
            .map(|(p, v)| format!("{} = {v}", p.key))
            .collect();
        format!("design point {point} ({}) {m}", at.join(", "))
    })?;
    // Replicate k's seed at every point, or with `seed_per_point` the run's own: run r gets
    // replicate seed r (runs are fewer than 2³², `MAX_RUNS`).
    let seed = if sweep.header.seed_per_point {
        replicate_seed(sweep.master_seed, run as u32)
    } else {
        replicate_seed(sweep.master_seed, k)
    };
    // The base scenario's posterior, if it names one, less the keys the sweep sets.
    let mut scenario = scenario;
    scenario.ensemble = sweep.ensemble.clone();
    let (scenario, _) = crate::engine::replicate_scenario(&scenario, seed)
        .map_err(|m| format!("design point {point}, replicate {k}: {m}"))?;
    let rows = Simulation::new(&scenario, seed).run();
    Ok(csv_line(&columns.run_fields(
        (run, point, k, seed),
        &values,
        &rows,
    )))
}

/// A progress bar on a terminal; a log line every 10 seconds otherwise; nothing when quiet.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    log: bool,
    started: Instant,
    last_log: Instant,
    total: u64,
    done_before: u64,
    name: String,
}

impl Progress {
    pub fn new(quiet: bool, total: u64, done_before: u64, name: &str) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {pos}/{len} runs, {elapsed} elapsed, ~{eta} left",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_message(name.to_owned());
            bar.set_position(done_before);
            bar
        });
        Progress {
            bar,
            log: !quiet && !terminal,
            started: Instant::now(),
            last_log: Instant::now(),
            total,
            done_before,
            name: name.to_owned(),
        }
    }

    pub fn tick(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if self.log && self.last_log.elapsed() >= Duration::from_secs(10) {
            self.last_log = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64();
            let now = done - self.done_before;
            let left = if now > 0 {
                format!(
                    ", ~{:.0} s left",
                    elapsed / now as f64 * (self.total - done) as f64
                )
            } else {
                String::new()
            };
            eprintln!(
                "{}: {done}/{} runs ({:.0} %), {elapsed:.0} s elapsed{left}",
                self.name,
                self.total,
                100.0 * done as f64 / self.total.max(1) as f64
            );
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
