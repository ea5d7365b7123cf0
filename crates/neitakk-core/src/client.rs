//! Client records and the tiers derived from revenue.

use crate::types::{Flexibility, Lang, Weight};
use serde::{Deserialize, Serialize};

/// One client in the registry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    pub name: String,
    /// E-mail domains of the client's people, e.g. `["fjordkraft.no"]`.
    #[serde(default)]
    pub domains: Vec<String>,
    /// The tier if set by hand; otherwise derived from `revenue`.
    #[serde(default)]
    pub tier: Option<Weight>,
    /// Annual revenue from this client, in any one currency.
    #[serde(default)]
    pub revenue: Option<f64>,
    #[serde(default)]
    pub flexibility: Option<Flexibility>,
    #[serde(default)]
    pub language: Option<Lang>,
    /// The contact person's name, used to greet them.
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// The colleague who owns the relationship (e-mail address).
    #[serde(default)]
    pub account_manager: Option<String>,
    #[serde(default)]
    pub account_manager_name: Option<String>,
    /// Minutes of travel each way to the client's office.
    #[serde(default)]
    pub travel_minutes: Option<u32>,
}

impl Client {
    /// Whether an address belongs to this client.
    pub fn owns(&self, email: &str) -> bool {
        self.owns_domain(email.rsplit_once('@').map_or(email, |(_, d)| d))
    }

    /// Whether a mail domain is this client's, or a subdomain of one of its.
    pub fn owns_domain(&self, domain: &str) -> bool {
        let domain = domain.as_bytes();
        self.domains.iter().any(|d| {
            let d = d.trim().trim_start_matches('@').as_bytes();
            // The domain itself, or a subdomain of it ("mail.d"); compared
            // as bytes, without allocating: this runs for every attendee.
            domain.eq_ignore_ascii_case(d)
                || domain.len() > d.len() && {
                    let cut = domain.len() - d.len();
                    domain[cut - 1] == b'.' && domain[cut..].eq_ignore_ascii_case(d)
                }
        })
    }
}

/// What in a registry would make matching go wrong: clients with no
/// domains, and names or domains given twice (the first one wins).
pub fn registry_problems(clients: &[Client]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut domains: Vec<(String, &str)> = Vec::new();
    for c in clients {
        let name = c.name.to_lowercase();
        if names.contains(&name) {
            problems.push(format!(
                "client '{}' is listed twice; the first entry is used",
                c.name
            ));
        }
        names.push(name);
        if c.domains.is_empty() {
            problems.push(format!(
                "client '{}' has no domains, so no meeting can be matched to it",
                c.name
            ));
        }
        for d in &c.domains {
            let d = d.trim().trim_start_matches('@').to_lowercase();
            if let Some((_, first)) = domains.iter().find(|(seen, _)| *seen == d) {
                problems.push(format!(
                    "domain '{d}' belongs to both '{first}' and '{}'; '{first}' wins",
                    c.name
                ));
            } else {
                domains.push((d, &c.name));
            }
        }
    }
    problems
}

/// Where the revenue-share tiers start, as cumulative shares of revenue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TierThresholds {
    /// Clients that together make up this share (from the largest down) are key.
    pub key: f64,
    /// The next clients up to this cumulative share are regular; the rest minor.
    pub regular: f64,
}

impl Default for TierThresholds {
    fn default() -> Self {
        TierThresholds {
            key: 0.5,
            regular: 0.8,
        }
    }
}

/// The weight of each client, in the order given: the set tier, else the tier
/// its share of revenue earns, else `regular` (unknown clients are neither
/// favoured nor dismissed).
///
/// Clients are ranked by revenue; a client is `key` while the revenue of the
/// clients ranked above it is below `key` share of the total, so the largest
/// client is always key.
pub fn derive_tiers(clients: &[Client], thresholds: TierThresholds) -> Vec<Weight> {
    let revenue = |c: &Client| {
        c.revenue
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(0.0)
    };
    let total: f64 = clients.iter().map(revenue).sum();
    let mut ranked: Vec<usize> = (0..clients.len())
        .filter(|&i| revenue(&clients[i]) > 0.0)
        .collect();
    ranked.sort_by(|&a, &b| revenue(&clients[b]).total_cmp(&revenue(&clients[a])));
    let mut derived = vec![None; clients.len()];
    let mut above = 0.0;
    // Clients with the same revenue get the same tier: the share above them
    // is the revenue of those that bring in more.
    let mut last: Option<(f64, f64)> = None;
    for i in ranked {
        let r = revenue(&clients[i]);
        let share_above = match last {
            Some((last_revenue, share)) if last_revenue == r => share,
            _ => above / total,
        };
        last = Some((r, share_above));
        derived[i] = Some(if share_above < thresholds.key {
            Weight::Key
        } else if share_above < thresholds.regular {
            Weight::Regular
        } else {
            Weight::Minor
        });
        above += r;
    }
    clients
        .iter()
        .zip(derived)
        .map(|(c, d)| c.tier.or(d).unwrap_or(Weight::Regular))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, revenue: f64) -> Client {
        Client {
            name: name.into(),
            revenue: Some(revenue),
            ..Default::default()
        }
    }

    #[test]
    fn tiers_follow_revenue_share() {
        let clients = [
            client("a", 400.0),
            client("b", 300.0),
            client("c", 150.0),
            client("d", 100.0),
            client("e", 50.0),
        ];
        // a: 0 % above -> key; b: 40 % -> key; c: 70 % -> regular; d: 85 % -> minor; e: 95 % -> minor
        let tiers = derive_tiers(&clients, TierThresholds::default());
        use Weight::*;
        assert_eq!(tiers, vec![Key, Key, Regular, Minor, Minor]);
    }

    #[test]
    fn equal_revenue_equal_tier() {
        let clients = [client("a", 400.0), client("b", 400.0), client("c", 200.0)];
        // Without the tie rule, b would be judged with a's 40 % above it.
        let tiers = derive_tiers(
            &clients,
            TierThresholds {
                key: 0.3,
                ..TierThresholds::default()
            },
        );
        assert_eq!(tiers[0], tiers[1]);
        assert_eq!(tiers[0], Weight::Key);
    }

    #[test]
    fn set_tier_wins_and_unknown_is_regular() {
        let mut a = client("a", 900.0);
        a.tier = Some(Weight::Minor);
        let b = Client {
            name: "b".into(),
            ..Default::default()
        };
        assert_eq!(
            derive_tiers(&[a, b], TierThresholds::default()),
            vec![Weight::Minor, Weight::Regular]
        );
    }

    #[test]
    fn domains_match_subdomains_not_lookalikes() {
        let c = Client {
            domains: vec!["fjord.no".into()],
            ..Default::default()
        };
        assert!(c.owns("kari@fjord.no"));
        assert!(c.owns("kari@mail.fjord.no"));
        assert!(!c.owns("kari@notfjord.no"));
    }
}
