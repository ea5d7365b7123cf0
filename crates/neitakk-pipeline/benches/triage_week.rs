//! What one uncached `GET /api/v1/triage` computes: a week of the `year`
//! calendar (3,000 events, bench/gen.py) indexed, assessed and written as
//! JSON, in steps. Run: cargo bench -p neitakk --bench triage_week

use criterion::{criterion_group, criterion_main, Criterion};
use neitakk_core::facts::Overrides;
use neitakk_pipeline::analysis::{parse_week, Loaded};
use neitakk_pipeline::triage::Row;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The generated year, made once into the bench cache folder.
fn year() -> Vec<u8> {
    let dir = std::env::var("NEITAKK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| ".".into()))
                .join(".cache/neitakk-bench")
        });
    let file = dir.join("year.ics");
    if !file.exists() {
        std::fs::create_dir_all(&dir).expect("bench folder");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let ok = std::process::Command::new("python3")
            .arg(root.join("bench/gen.py"))
            .arg("year")
            .arg(&file)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "python3 bench/gen.py year failed");
    }
    std::fs::read(file).expect("year.ics")
}

fn triage_week(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The week's Monday morning, as a user looking at it would be.
    let monday = neitakk_pipeline::clock::parse_now("2026-06-08T07:00:00+02:00").expect("time");
    let config =
        neitakk_pipeline::config::load(Some(&root.join("examples/neitakk.toml")), None, monday)
            .expect("config");
    let week = parse_week("2026-W24", config.profile.timezone).expect("week");
    let span = Loaded::span(week, &config);
    let data = year();
    let options = neitakk_ical::reader::Options {
        tz: None,
        default_tz: Some(config.profile.timezone),
        ..Default::default()
    };
    let calendar = neitakk_ical::read_stream("year.ics", data.as_slice(), span, &options)
        .expect("calendar")
        .into_calendar();
    let loaded = Loaded::new(
        week,
        span,
        Arc::new(calendar.occurrences),
        Default::default(),
        &config,
    );
    let overrides = Overrides::default();
    let lang = config.profile.language;

    let mut g = c.benchmark_group("triage 2026-W24 of year");
    g.bench_function("index", |b| b.iter(|| loaded.index(&config)));
    g.bench_function("index + assess", |b| {
        b.iter(|| {
            let index = loaded.index(&config);
            loaded.assess_all(&index, &config, &overrides).count()
        })
    });
    g.bench_function("index + assess + json", |b| {
        b.iter(|| {
            let index = loaded.index(&config);
            let all: Vec<_> = loaded.assess_all(&index, &config, &overrides).collect();
            let rows: Vec<_> = all.iter().map(|a| Row::new(a, lang)).collect();
            serde_json::to_vec(&rows).expect("json").len()
        })
    });
    g.finish();
}

criterion_group!(benches, triage_week);
criterion_main!(benches);
