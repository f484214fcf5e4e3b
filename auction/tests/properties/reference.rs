//! A deliberately naive reference model of bidding: plain vectors, linear scans, and proxy
//! resolution that re-examines every proxy one increment at a time.

use auction::{BidKind, RulesSpec};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefBid {
    pub bidder: String,
    pub amount: i64,
    pub at: i64,
    pub kind: BidKind,
}

struct RefProxy {
    bidder: String,
    max: i64,
    priority: u64,
}

pub struct Reference {
    spec: RulesSpec,
    deposits: Vec<(String, i64)>,
    proxies: Vec<RefProxy>,
    pub history: Vec<RefBid>,
    pub end: i64,
    leading_priority: u64,
    requests: u64,
    last_request: i64,
}

impl Reference {
    pub fn new(spec: RulesSpec) -> Reference {
        Reference {
            end: spec.ends_at,
            spec,
            deposits: Vec::new(),
            proxies: Vec::new(),
            history: Vec::new(),
            leading_priority: 0,
            requests: 0,
            last_request: i64::MIN,
        }
    }

    pub fn register(&mut self, who: &str, deposit: i64) {
        self.deposits.push((who.to_string(), deposit));
    }

    pub fn top_up(&mut self, who: &str, amount: i64) {
        for d in &mut self.deposits {
            if d.0 == who {
                d.1 += amount;
            }
        }
    }

    fn increment(&self, price: i64) -> i64 {
        let mut inc = 0;
        for t in &self.spec.increments {
            if price >= t.from.get() {
                inc = t.value.get();
            }
        }
        inc
    }

    fn deposit_needed(&self, amount: i64) -> i64 {
        let mut need = 0;
        for t in &self.spec.deposits {
            if amount >= t.from.get() {
                need = t.value.get();
            }
        }
        need
    }

    fn deposit_of(&self, who: &str) -> Option<i64> {
        self.deposits.iter().find(|d| d.0 == who).map(|d| d.1)
    }

    pub fn price(&self) -> Option<i64> {
        self.history.last().map(|b| b.amount)
    }

    pub fn leader(&self) -> Option<String> {
        self.history.last().map(|b| b.bidder.clone())
    }

    fn min_bid(&self) -> i64 {
        match self.price() {
            None => self.spec.starting_price.get(),
            Some(p) => p + self.increment(p),
        }
    }

    fn common(&self, who: &str, now: i64) -> Result<(), &'static str> {
        if now < self.spec.starts_at {
            return Err("not_started");
        }
        if now >= self.end {
            return Err("ended");
        }
        if now < self.last_request {
            return Err("clock_went_back");
        }
        if self.deposit_of(who).is_none() {
            return Err("not_registered");
        }
        Ok(())
    }

    fn covered(&self, who: &str, amount: i64) -> bool {
        self.deposit_of(who).unwrap() >= self.deposit_needed(amount)
    }

    pub fn bid(&mut self, who: &str, amount: i64, now: i64) -> Result<(), &'static str> {
        self.common(who, now)?;
        if self.leader().as_deref() == Some(who) {
            return Err("already_leading");
        }
        if amount < self.min_bid() {
            return Err("below_minimum");
        }
        let base = self.price().unwrap_or(self.spec.starting_price.get());
        if amount > base + self.spec.max_raise.get() {
            return Err("above_max_raise");
        }
        if !self.covered(who, amount) {
            return Err("deposit_too_low");
        }
        self.requests += 1;
        self.last_request = now;
        self.push(who, amount, now, BidKind::Manual, self.requests);
        self.resolve(now);
        Ok(())
    }

    pub fn set_proxy(&mut self, who: &str, max: i64, now: i64) -> Result<(), &'static str> {
        self.common(who, now)?;
        if let Some(p) = self.proxies.iter().find(|p| p.bidder == who) {
            if max <= p.max {
                return Err("proxy_not_raised");
            }
        }
        if max < self.min_bid() {
            return Err("proxy_below_minimum");
        }
        if max > auction::Money::MAX.get() {
            return Err("amount_out_of_range");
        }
        if !self.covered(who, max) {
            return Err("deposit_too_low");
        }
        self.requests += 1;
        self.last_request = now;
        self.proxies.retain(|p| p.bidder != who);
        self.proxies.push(RefProxy {
            bidder: who.to_string(),
            max,
            priority: self.requests,
        });
        self.resolve(now);
        Ok(())
    }

    fn push(&mut self, who: &str, amount: i64, now: i64, kind: BidKind, priority: u64) {
        self.history.push(RefBid {
            bidder: who.to_string(),
            amount,
            at: now,
            kind,
        });
        self.leading_priority = priority;
        if now + self.spec.anti_sniping_ms > self.end {
            self.end = now + self.spec.anti_sniping_ms;
        }
    }

    /// One step at a time: look at every proxy, let the best able one raise by one increment;
    /// if none can, let the earliest eligible one match; stop when neither happens.
    fn resolve(&mut self, now: i64) {
        loop {
            let leader = self.leader();
            let next = self.min_bid();
            let mut best: Option<usize> = None;
            for (i, p) in self.proxies.iter().enumerate() {
                if Some(&p.bidder) == leader.as_ref() || p.max < next {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some(j) => {
                        let q = &self.proxies[j];
                        p.max > q.max || (p.max == q.max && p.priority < q.priority)
                    }
                };
                if better {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                let (who, prio) = (self.proxies[i].bidder.clone(), self.proxies[i].priority);
                self.push(&who, next, now, BidKind::Proxy, prio);
                continue;
            }
            let Some(price) = self.price() else { break };
            let mut earliest: Option<usize> = None;
            for (i, p) in self.proxies.iter().enumerate() {
                if Some(&p.bidder) == leader.as_ref()
                    || p.max < price
                    || p.priority >= self.leading_priority
                {
                    continue;
                }
                if earliest.is_none_or(|j| p.priority < self.proxies[j].priority) {
                    earliest = Some(i);
                }
            }
            match earliest {
                Some(i) => {
                    let (who, prio) = (self.proxies[i].bidder.clone(), self.proxies[i].priority);
                    self.push(&who, price, now, BidKind::ProxyMatch, prio);
                }
                None => break,
            }
        }
    }
}
