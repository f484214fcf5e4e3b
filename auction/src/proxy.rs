//! Proxy (automatic) bidding: hidden maxima and their resolution.

use crate::auction::Auction;
use crate::event::{BidKind, Event};
use crate::types::{BidderId, Millis};
use money::Money;
use serde::{Deserialize, Serialize};

/// A bidder's hidden maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proxy {
    /// The most the system may bid for the bidder.
    pub max: Money,
    /// Arrival order of the request that set this maximum (lower = earlier); shared with
    /// manual bids so the two can be compared.
    pub priority: u64,
    /// Server time of that request.
    pub set_at: Millis,
}

impl Auction {
    /// Lets proxies respond until the state is stable (see the crate docs for the procedure).
    ///
    /// Optimization over the one-step-at-a-time definition (which the property tests check
    /// against a naive reference): the proxies are ranked once by (maximum descending,
    /// priority ascending); the proxy that raises next is always the first in the ranking that
    /// is not leading, and if it cannot afford the next minimum bid no one can, so a raise step
    /// costs O(1) instead of a scan.
    ///
    /// Observation: since the state is stable before each request, at most one proxy can act
    /// at any step — the newly set one or that of the bidder just outbid — so resolution is a
    /// duel between the last two leaders and the tie-breaks only matter against a manual bid.
    pub(crate) fn resolve_proxies(&mut self, now: Millis, events: &mut Vec<Event>) {
        let mut ranking: Vec<(BidderId, Proxy)> =
            self.proxies.iter().map(|(b, p)| (b.clone(), *p)).collect();
        ranking.sort_by(|a, b| b.1.max.cmp(&a.1.max).then(a.1.priority.cmp(&b.1.priority)));
        loop {
            let leader = self.leader().map(str::to_owned);
            let not_leading = |b: &BidderId| Some(b) != leader.as_ref();
            // 1. Raise: the strongest non-leading proxy bids exactly the minimum.
            let next = self.minimum_bid();
            if let Some((b, p)) = ranking.iter().find(|(b, _)| not_leading(b)) {
                if p.max >= next {
                    let (b, prio) = (b.clone(), p.priority);
                    self.accept(&b, next, BidKind::Proxy, prio, now, events);
                    continue;
                }
            }
            // 2. Match: no one can raise; the earliest non-leading proxy that committed to the
            //    current price before the leading bid's commitment takes the lead at that price.
            if let Some(price) = self.current_price() {
                let matcher = ranking
                    .iter()
                    .filter(|(b, p)| {
                        not_leading(b) && p.max >= price && p.priority < self.leading_priority
                    })
                    .min_by_key(|(_, p)| p.priority);
                if let Some((b, p)) = matcher {
                    let (b, prio) = (b.clone(), p.priority);
                    self.accept(&b, price, BidKind::ProxyMatch, prio, now, events);
                    continue;
                }
            }
            break;
        }
    }
}
