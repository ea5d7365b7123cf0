//! Repetitive meetings: recurring series, and clusters of single meetings
//! with the same client and alike titles; how often, how long, since when,
//! and what changing a repetitive series would free per quarter.

use crate::facts::{match_client, similar_titles, FactSettings};
use crate::{Client, Meeting};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a group of alike meetings comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One recurring event.
    Series,
    /// Single events that look alike.
    Cluster,
}

/// A change to a repetitive series, and the hours it frees per quarter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Offer {
    /// Meet every other time.
    EveryOther { hours_per_quarter: f64 },
    /// Keep every meeting to the minutes the matter needs.
    Shorter {
        minutes: u32,
        hours_per_quarter: f64,
    },
    /// A written status in place of every other meeting.
    WrittenStatus { hours_per_quarter: f64 },
}

/// One group of alike meetings in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repeated {
    pub kind: Kind,
    pub title: String,
    pub client: Option<String>,
    /// The event's UID, for a series.
    pub uid: Option<String>,
    pub count: u32,
    /// Meetings per week over the period.
    pub per_week: f64,
    pub average_minutes: u32,
    pub since: DateTime<Utc>,
    /// Often enough to count as repetitive (the engine's threshold).
    pub repetitive: bool,
    pub offers: Vec<Offer>,
}

const WEEKS_PER_QUARTER: f64 = 13.0;

/// The repeated meetings among `meetings` (those that take my time in a
/// period ending at `until`), most frequent first. How often is measured
/// from each group's first meeting in the period, so a series that began
/// within it is not diluted. Groups of one are left out.
pub fn find(
    meetings: &[&Meeting],
    me: &[String],
    clients: &[Client],
    settings: &FactSettings,
    until: DateTime<Utc>,
    writing_minutes: u32,
) -> Vec<Repeated> {
    // Each group keeps its client, found once from its first meeting.
    let mut groups: Vec<(Kind, Option<usize>, Vec<&Meeting>)> = Vec::new();
    for m in meetings {
        let client = match_client(m, me, clients);
        let slot = groups
            .iter_mut()
            .find(|(kind, group_client, g)| match kind {
                Kind::Series => m.recurring && g[0].uid == m.uid,
                Kind::Cluster => {
                    !m.recurring
                        && client.is_some()
                        && *group_client == client
                        && similar_titles(
                            g[0].summary.as_deref().unwrap_or(""),
                            m.summary.as_deref().unwrap_or(""),
                        )
                }
            });
        match slot {
            Some((_, _, g)) => g.push(m),
            None => groups.push((
                if m.recurring {
                    Kind::Series
                } else {
                    Kind::Cluster
                },
                client,
                vec![m],
            )),
        }
    }
    let mut out: Vec<Repeated> = groups
        .into_iter()
        .filter(|(_, _, g)| g.len() > 1)
        .map(|(kind, client, g)| {
            let count = u32::try_from(g.len()).unwrap_or(u32::MAX);
            let first = g.iter().map(|m| m.start).min().unwrap_or(until);
            // Whole weeks from the first meeting on: a weekly series counts 1 a week.
            let weeks = ((until - first).num_minutes() as f64 / (7.0 * 24.0 * 60.0))
                .ceil()
                .max(1.0);
            let per_week = f64::from(count) / weeks;
            let average = g.iter().map(|m| m.minutes()).sum::<u32>() / count.max(1);
            let repetitive = per_week * f64::from(settings.repetition_weeks)
                >= f64::from(settings.repetition_threshold);
            let per_quarter = per_week * WEEKS_PER_QUARTER;
            let hours = per_quarter * f64::from(average) / 60.0;
            let mut offers = Vec::new();
            if repetitive {
                offers.push(Offer::EveryOther {
                    hours_per_quarter: hours / 2.0,
                });
                let needed = settings.needed_routine;
                if average > needed {
                    offers.push(Offer::Shorter {
                        minutes: needed,
                        hours_per_quarter: per_quarter * f64::from(average - needed) / 60.0,
                    });
                }
                let writing = per_quarter / 2.0 * f64::from(writing_minutes) / 60.0;
                offers.push(Offer::WrittenStatus {
                    hours_per_quarter: (hours / 2.0 - writing).max(0.0),
                });
            }
            Repeated {
                kind,
                title: g[0].summary.as_deref().unwrap_or("").to_owned(),
                client: client.map(|i| clients[i].name.clone()),
                uid: (kind == Kind::Series).then(|| g[0].uid.clone()),
                count,
                per_week,
                average_minutes: average,
                // A series began with its rule; a cluster with its first meeting here.
                since: g[0].series.as_ref().map_or_else(
                    || g.iter().map(|m| m.start).min().unwrap_or_default(),
                    |s| s.start,
                ),
                repetitive,
                offers,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.per_week
            .total_cmp(&a.per_week)
            .then_with(|| a.title.cmp(&b.title))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Attendee;
    use std::sync::Arc;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn meeting(
        uid: &str,
        title: &str,
        start: &str,
        minutes: i64,
        recurring: bool,
        domain: &str,
    ) -> Meeting {
        let start = at(start);
        Meeting {
            uid: uid.into(),
            summary: Some(title.into()),
            start,
            end: start + chrono::Duration::minutes(minutes),
            recurring,
            attendees: Arc::from(vec![Attendee {
                email: format!("kari@{domain}"),
                ..Default::default()
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn a_weekly_series_and_a_cluster_of_alike_singles() {
        let clients = [Client {
            name: "Fjord".into(),
            domains: vec!["fjord.no".into()],
            ..Default::default()
        }];
        let mut cal = Vec::new();
        for (i, day) in ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
            .iter()
            .enumerate()
        {
            cal.push(meeting(
                "weekly",
                "Ukentlig status Fjord",
                &format!("{day}T08:00:00Z"),
                60,
                true,
                "fjord.no",
            ));
            if i % 2 == 0 {
                cal.push(meeting(
                    &format!("s{i}"),
                    "Gjennomgang av budsjett",
                    &format!("{day}T12:00:00Z"),
                    90,
                    false,
                    "fjord.no",
                ));
            }
        }
        cal.push(meeting(
            "other",
            "Lunsj",
            "2026-11-03T11:00:00Z",
            60,
            false,
            "elsewhere.no",
        ));
        let refs: Vec<&Meeting> = cal.iter().collect();
        let found = find(
            &refs,
            &[],
            &clients,
            &FactSettings::default(),
            at("2026-11-30T00:00:00Z"),
            10,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        let weekly = &found[0];
        assert_eq!(
            (weekly.kind, weekly.count, weekly.average_minutes),
            (Kind::Series, 4, 60)
        );
        assert!(weekly.repetitive, "4 in 4 weeks");
        assert_eq!(weekly.client.as_deref(), Some("Fjord"));
        // 13 meetings a quarter of an hour each: every other week frees 6.5 h
        assert_eq!(
            weekly.offers[0],
            Offer::EveryOther {
                hours_per_quarter: 6.5
            }
        );
        assert_eq!(
            weekly.offers[1],
            Offer::Shorter {
                minutes: 30,
                hours_per_quarter: 6.5
            }
        );
        let cluster = &found[1];
        assert_eq!((cluster.kind, cluster.count), (Kind::Cluster, 2));
        assert!(!cluster.repetitive && cluster.offers.is_empty());
    }
}
