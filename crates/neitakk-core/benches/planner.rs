//! The planner on a week of 500 client meetings (issue 4: under 50 ms).
//! Run: cargo bench -p neitakk-core --bench planner

use criterion::{criterion_group, criterion_main, Criterion};
use neitakk_core::planner::{plan, PlanItem, PlanOption, PlanRules};
use neitakk_core::{Risk, Strategy};

/// 500 meetings with 25 clients, each with the three options a typical
/// in-person meeting has (a call, a shorter meeting, a shorter call).
fn week() -> Vec<PlanItem> {
    let mut seed = 0x5eed_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    (0..500)
        .map(|_| {
            let travel = 10 * next(7) as u32;
            let shorter = 15 * (1 + next(6) as u32);
            PlanItem {
                client: format!("client {}", next(25)),
                prior_limits: next(2) as u32,
                options: vec![
                    PlanOption {
                        strategy: Strategy::PhoneCall,
                        minutes_freed: travel.max(10),
                        risk: Risk::VeryLow,
                    },
                    PlanOption {
                        strategy: Strategy::Shorten,
                        minutes_freed: shorter,
                        risk: Risk::Low,
                    },
                    PlanOption {
                        strategy: Strategy::ShorterCall,
                        minutes_freed: travel.max(10) + shorter,
                        risk: Risk::Low,
                    },
                ],
            }
        })
        .collect()
}

fn planner(c: &mut Criterion) {
    let items = week();
    let rules = PlanRules::default();
    c.bench_function("plan 500 meetings, free 6 h", |b| {
        b.iter(|| plan(&items, 360, &rules))
    });
    c.bench_function("plan 500 meetings, free 20 h", |b| {
        b.iter(|| plan(&items, 1200, &rules))
    });
}

criterion_group!(benches, planner);
criterion_main!(benches);
