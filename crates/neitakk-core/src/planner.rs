//! Breathing room (method.md section 5): free at least N minutes of a week
//! with the least harm to client relationships.
//!
//! Each client meeting gets one option: keep it, or one strategy that fits
//! it, with the minutes it frees and its risk. The relationship memory binds
//! meetings of the same client together: with `raise_at` limits in 30 days
//! (those already journaled plus those the plan makes) every limit of that
//! client is one step riskier, and a plan may not reach `attend_at`. So the
//! problem is a multiple-choice knapsack over clients: each client's
//! meetings form one group whose choices are the ways to limit at most a
//! few of them. It is solved exactly by dynamic programming over 5-minute
//! units of freed time.

use crate::types::{Risk, Strategy};
use serde::{Deserialize, Serialize};

/// One way to limit a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOption {
    pub strategy: Strategy,
    pub minutes_freed: u32,
    /// The risk before the plan's own limits are counted.
    pub risk: Risk,
}

/// A meeting to plan for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanItem {
    /// The client the meeting is with (meetings of one client are planned together).
    pub client: String,
    /// Limits of this client already journaled in the last 30 days.
    pub prior_limits: u32,
    /// The strategies that fit, besides keeping the meeting.
    pub options: Vec<PlanOption>,
}

/// What the plan may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRules {
    /// Limits in 30 days that raise every risk of the client one step.
    pub raise_at: u32,
    /// Limits in 30 days that the plan may not reach.
    pub attend_at: u32,
    /// No option riskier than this (after raising).
    pub max_risk: Risk,
    /// Clients whose meetings are all kept.
    pub keep: Vec<String>,
}

impl Default for PlanRules {
    fn default() -> Self {
        PlanRules {
            raise_at: 2,
            attend_at: 3,
            max_risk: Risk::VeryHigh,
            keep: vec![],
        }
    }
}

/// The answer: one choice per item (`None` = keep), what it frees and costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub choices: Vec<Option<PlanOption>>,
    /// The risk of each choice as the plan makes it (raised where it limits
    /// a client often).
    pub risks: Vec<Option<Risk>>,
    pub minutes_freed: u32,
    /// The sum of the risks' weights: what is minimised.
    pub cost: u32,
    /// Whether the target is met; if not, this is the plan that frees the most.
    pub reached: bool,
}

/// The weight of a risk in the sum the plan minimises. Each step weighs
/// three times the one below, so the plan spreads gentle changes (two video
/// calls) rather than make one firmer change (an e-mail instead of a meeting).
pub fn weight(r: Risk) -> u32 {
    match r {
        Risk::VeryLow => 1,
        Risk::Low => 3,
        Risk::Medium => 9,
        Risk::High => 27,
        Risk::VeryHigh => 81,
    }
}

/// Freed time is counted in units of this many minutes.
pub const UNIT: u32 = 5;

/// The cost of limiting `chosen` meetings of one client (item index,
/// option), or `None` if the rules forbid it: the rule both the solver and
/// a brute-force check apply.
pub fn group_cost(
    items: &[PlanItem],
    chosen: &[(usize, PlanOption)],
    rules: &PlanRules,
) -> Option<(u32, Vec<Risk>)> {
    let Some(&(first, _)) = chosen.first() else {
        return Some((0, vec![]));
    };
    let client = &items[first].client;
    let prior = items[first].prior_limits;
    let total = prior + u32::try_from(chosen.len()).unwrap_or(u32::MAX);
    if rules.keep.iter().any(|k| k.eq_ignore_ascii_case(client)) || total >= rules.attend_at {
        return None;
    }
    // Journaled limits already raised the options' risks; raise once more
    // only where the plan itself crosses the line.
    let raise = prior < rules.raise_at && total >= rules.raise_at;
    let mut risks = Vec::with_capacity(chosen.len());
    let mut cost = 0;
    for (_, o) in chosen {
        let r = if raise { o.risk.raised() } else { o.risk };
        if r > rules.max_risk {
            return None;
        }
        cost += weight(r);
        risks.push(r);
    }
    Some((cost, risks))
}

/// The ways to limit one client's meetings: every set of at most `limit`
/// meetings, each with one of its options.
fn group_choices(
    items: &[PlanItem],
    members: &[usize],
    limit: usize,
) -> Vec<Vec<(usize, PlanOption)>> {
    let mut out: Vec<Vec<(usize, PlanOption)>> = vec![vec![]];
    let mut frontier: Vec<Vec<(usize, PlanOption)>> = vec![vec![]];
    for _ in 0..limit {
        let mut next = Vec::new();
        for set in &frontier {
            let after = set.last().map_or(0, |(i, _)| {
                members.iter().position(|m| m == i).unwrap_or(0) + 1
            });
            for &m in &members[after..] {
                for o in &items[m].options {
                    let mut s = set.clone();
                    s.push((m, *o));
                    next.push(s);
                }
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

/// One way to limit a client's meetings, with what it frees and costs.
struct Choice {
    units: usize,
    cost: u32,
    count: u32,
    minutes: u32,
    set: Vec<(usize, PlanOption)>,
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Chooses an option per item so that at least `target` minutes are freed at
/// the least total risk (ties: the fewest minutes beyond the target, so no
/// meeting is cut harder than needed; then fewer meetings changed).
/// When no plan reaches the target, returns the one that frees the most, at
/// the least risk.
pub fn plan(items: &[PlanItem], target_minutes: u32, rules: &PlanRules) -> Plan {
    // Group by client, in order of first appearance.
    let mut clients: Vec<&str> = Vec::new();
    for it in items {
        if !clients.contains(&it.client.as_str()) {
            clients.push(&it.client);
        }
    }
    // The unit: 5 minutes, or smaller where some time is not a multiple of it,
    // so that counting in units is exact.
    let unit = items
        .iter()
        .flat_map(|i| i.options.iter().map(|o| o.minutes_freed))
        .chain([target_minutes])
        .fold(UNIT, gcd)
        .max(1);
    let target = (target_minutes.div_ceil(unit)) as usize;
    // The most a plan can free, to size the table when the target is out of reach.
    let mut groups = Vec::new();
    let mut most = 0usize;
    for c in &clients {
        let members: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].client == *c)
            .collect();
        let prior = items[members[0]].prior_limits;
        let limit = rules.attend_at.saturating_sub(prior + 1) as usize;
        let mut choices: Vec<Choice> = Vec::new();
        for set in group_choices(items, &members, limit.min(members.len())) {
            if let Some((cost, _)) = group_cost(items, &set, rules) {
                let minutes: u32 = set.iter().map(|(_, o)| o.minutes_freed).sum();
                let count = u32::try_from(set.len()).unwrap_or(u32::MAX);
                choices.push(Choice {
                    units: (minutes / unit) as usize,
                    cost,
                    count,
                    minutes,
                    set,
                });
            }
        }
        most += choices.iter().map(|c| c.units).max().unwrap_or(0);
        groups.push(choices);
    }
    let cap = target.min(most);

    // best[g][u]: (cost, count, minutes, choice index) to free at least u units
    // (capped at `cap`) with groups 0..=g. Lexicographic: cost, minutes, count.
    type Cell = Option<(u32, i64, u32)>;
    let width = cap + 1;
    let mut table: Vec<Vec<(Cell, usize)>> = Vec::with_capacity(groups.len());
    let mut prev: Vec<Cell> = vec![None; width];
    prev[0] = Some((0, 0, 0));
    for choices in &groups {
        let mut cur: Vec<(Cell, usize)> = vec![(None, 0); width];
        for (u, p) in prev.iter().enumerate() {
            let Some((pc, pm, pn)) = p else { continue };
            for (ci, c) in choices.iter().enumerate() {
                let v = (u + c.units).min(cap);
                let cand = (pc + c.cost, pm + i64::from(c.minutes), pn + c.count);
                if cur[v].0.is_none_or(|c| cand < c) {
                    cur[v] = (Some(cand), ci * width + u);
                }
            }
        }
        prev = cur.iter().map(|(c, _)| *c).collect();
        table.push(cur);
    }

    // Walk back from the best reachable cell.
    let end = (0..width).rev().find(|&u| prev[u].is_some()).unwrap_or(0);
    let mut choices = vec![None; items.len()];
    let mut risks = vec![None; items.len()];
    let mut u = end;
    for g in (0..groups.len()).rev() {
        let (_, back) = table[g][u];
        let (ci, pu) = (back / width, back % width);
        let set = &groups[g][ci].set;
        if let Some((_, rs)) = group_cost(items, set, rules) {
            for ((i, o), r) in set.iter().zip(rs) {
                choices[*i] = Some(*o);
                risks[*i] = Some(r);
            }
        }
        u = pu;
    }
    let minutes_freed = choices.iter().flatten().map(|o| o.minutes_freed).sum();
    let cost = prev[end].map_or(0, |c| c.0);
    Plan {
        choices,
        risks,
        minutes_freed,
        cost,
        reached: minutes_freed >= target_minutes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny deterministic generator, so a failure reproduces (the
    /// index's randomised tests use it too).
    pub(crate) struct Rng(pub(crate) u64);
    impl Rng {
        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    const STRATEGIES: [Strategy; 4] = [
        Strategy::PhoneCall,
        Strategy::Shorten,
        Strategy::EmailForNow,
        Strategy::Decline,
    ];

    fn random_week(rng: &mut Rng) -> Vec<PlanItem> {
        let clients = 1 + rng.below(3);
        (0..1 + rng.below(7))
            .map(|_| PlanItem {
                client: format!("c{}", rng.below(clients)),
                prior_limits: 0,
                options: (0..rng.below(4))
                    .map(|_| PlanOption {
                        strategy: STRATEGIES[rng.below(4) as usize],
                        minutes_freed: 5 * (1 + rng.below(24) as u32),
                        risk: Risk::ALL[rng.below(4) as usize],
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every assignment, checked with the same rules: the best cost that
    /// reaches the target, else the most minutes at the least cost.
    fn brute_force(items: &[PlanItem], target: u32, rules: &PlanRules) -> (bool, u32, u32) {
        let mut best: Option<(bool, u32, u32)> = None; // (reached, cost or minutes, ...)
        let sizes: Vec<usize> = items.iter().map(|i| i.options.len() + 1).collect();
        let total: usize = sizes.iter().product();
        for mut n in 0..total {
            let mut pick = Vec::new();
            for (i, s) in sizes.iter().enumerate() {
                if n % s > 0 {
                    pick.push((i, items[i].options[n % s - 1]));
                }
                n /= s;
            }
            let mut cost = 0;
            let mut ok = true;
            let mut names: Vec<&str> = pick
                .iter()
                .map(|(i, _)| items[*i].client.as_str())
                .collect();
            names.sort();
            names.dedup();
            for c in names {
                let group: Vec<_> = pick
                    .iter()
                    .filter(|(i, _)| items[*i].client == c)
                    .copied()
                    .collect();
                match group_cost(items, &group, rules) {
                    Some((g, _)) => cost += g,
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            let minutes: u32 = pick.iter().map(|(_, o)| o.minutes_freed).sum();
            let reached = minutes >= target;
            let better = match best {
                None => true,
                Some((true, c, _)) => reached && cost < c,
                Some((false, m, c)) => reached || minutes > m || minutes == m && cost < c,
            };
            if better {
                best = Some(if reached {
                    (true, cost, minutes)
                } else {
                    (false, minutes, cost)
                });
            }
        }
        best.unwrap_or((target == 0, 0, 0))
    }

    #[test]
    fn equals_brute_force_on_small_random_weeks() {
        let mut rng = Rng(0x00C0_FFEE_1234_5678);
        for round in 0..400 {
            let items = random_week(&mut rng);
            let target = 5 * rng.below(40) as u32;
            let rules = PlanRules {
                max_risk: if round % 3 == 0 {
                    Risk::Medium
                } else {
                    Risk::VeryHigh
                },
                ..PlanRules::default()
            };
            let p = plan(&items, target, &rules);
            let (reached, a, b) = brute_force(&items, target, &rules);
            assert_eq!(
                p.reached, reached,
                "round {round}: {items:?} target {target}"
            );
            if reached {
                assert_eq!(p.cost, a, "round {round}: cost {items:?} target {target}");
            } else {
                assert_eq!(
                    (p.minutes_freed, p.cost),
                    (a, b),
                    "round {round}: most {items:?} target {target}"
                );
            }
        }
    }

    fn item(client: &str, minutes: u32, risk: Risk) -> PlanItem {
        PlanItem {
            client: client.into(),
            prior_limits: 0,
            options: vec![PlanOption {
                strategy: Strategy::Shorten,
                minutes_freed: minutes,
                risk,
            }],
        }
    }

    #[test]
    fn unreachable_target_gives_the_most() {
        let items = [item("a", 30, Risk::Low), item("b", 60, Risk::Low)];
        let p = plan(&items, 600, &PlanRules::default());
        assert!(!p.reached);
        assert_eq!(p.minutes_freed, 90);
    }

    #[test]
    fn several_limits_on_one_client_cost_more_and_are_capped() {
        // Two limits on "a" raise both (low -> medium); one on each client is cheaper.
        let items = [
            item("a", 60, Risk::Low),
            item("a", 60, Risk::Low),
            item("b", 60, Risk::Low),
            item("a", 60, Risk::Low),
        ];
        let p = plan(&items, 120, &PlanRules::default());
        assert_eq!(p.cost, 2 * weight(Risk::Low));
        assert!(p.choices[2].is_some(), "b is limited: {p:?}");
        // at most two limits per client in a plan (a third brings back attend)
        let all = plan(&items, 240, &PlanRules::default());
        assert!(!all.reached);
        assert_eq!(all.minutes_freed, 180);
    }

    #[test]
    fn constraints_are_honoured() {
        let items = [item("a", 60, Risk::High), item("b", 60, Risk::Low)];
        let rules = PlanRules {
            max_risk: Risk::Medium,
            ..PlanRules::default()
        };
        let p = plan(&items, 120, &rules);
        assert!(p.choices[0].is_none(), "a high risk is not allowed");
        let rules = PlanRules {
            keep: vec!["B".into()],
            ..PlanRules::default()
        };
        let p = plan(&items, 60, &rules);
        assert!(p.choices[1].is_none(), "b is kept");
        assert!(p.reached);
    }
}
