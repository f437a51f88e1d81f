//! Writing an import that passed every check, in one transaction: the party directory, the
//! contracts, the offices' serial counters and one audit entry.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use chrono::NaiveDateTime;

use super::check::Accepted;
use super::{Failure, ImportSummary, Importer};
use crate::audit::{Actor, Entry};
use crate::db::contracts::ContractWrite;
use crate::db::parties::NewParty;
use crate::db::{self, DbConn};
use crate::domain::contract::Party;
use crate::domain::review_rule::ReviewRule;
use crate::domain::status::Status;
use crate::domain::text;
use crate::{filing, review};

/// Stores the accepted rows: parties, contracts, serial counters, one audit entry.
pub(super) fn store(
    c: &mut DbConn,
    actor: &Actor,
    importer: &Importer,
    file_name: &str,
    accepted: &[Accepted],
    now: NaiveDateTime,
) -> Result<ImportSummary, Failure> {
    let mut summary = ImportSummary::default();
    let (party_ids, added, updated) = remember_parties(c, actor, accepted, now)?;
    let mut authorities: Vec<&str> = accepted.iter().map(|a| a.authority.as_str()).collect();
    authorities.sort_unstable();
    authorities.dedup();
    let mut rules = HashMap::with_capacity(authorities.len());
    for authority in &authorities {
        rules.insert(*authority, db::review_rules::of_authority(c, authority)?);
    }
    let set_aside = db::contracts::set_aside_list_indexes(c, accepted.len())?;
    summary.parties_added = added;
    summary.parties_updated = updated;

    // A helper thread turns accepted rows into the columns to store while this one writes the
    // previous chunk: the two halves of the work overlap on two cores.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ContractWrite>>(2);
    let (party_ids, rules) = (&party_ids, &rules);
    std::thread::scope(|s| -> Result<(), Failure> {
        s.spawn(move || {
            for chunk in accepted.chunks(WRITE_CHUNK) {
                let writes = chunk
                    .iter()
                    .map(|a| contract_write(a, party_ids, rules, now))
                    .collect();
                if sender.send(writes).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for writes in receiver {
            db::contracts::insert_batch(c, writes, importer.user_id(), now)?;
        }
        Ok(())
    })?;
    if let Some(set_aside) = set_aside {
        db::contracts::restore_list_indexes(c, set_aside)?;
    }

    let mut counters: HashMap<(&str, i32), u32> = HashMap::new();
    for a in accepted {
        match &a.registration {
            Some((n, _)) => {
                summary.registered += 1;
                let serial = counters
                    .entry((a.office.as_str(), i32::from(n.year())))
                    .or_default();
                *serial = (*serial).max(n.serial());
            }
            None => summary.submitted += 1,
        }
    }
    let mut counters: Vec<_> = counters.into_iter().collect();
    counters.sort();
    for ((office, year), serial) in counters {
        let serial = i32::try_from(serial).unwrap_or(i32::MAX);
        db::registration_counters::move_past(c, office, year, serial)?;
    }

    db::audit::record(
        c,
        actor,
        Entry {
            action: "contract.import",
            object_type: "contract",
            object_id: text::shown(file_name),
            authority_code: match authorities.as_slice() {
                [one] => Some((*one).to_owned()),
                _ => None,
            },
            summary: format!(
                "批量导入合同（{}）：待审核 {} 份，已登记 {} 份；合同方名录新增 {} 个，更新 {} 个",
                file_name,
                summary.submitted,
                summary.registered,
                summary.parties_added,
                summary.parties_updated
            ),
        },
        now,
    )?;
    Ok(summary)
}

/// Rows turned into columns per hand-over between the two threads of `store`.
const WRITE_CHUNK: usize = 1_000;

/// The columns of an accepted row, as a web filing stores them (`filing::filed_write`), with
/// its parties' directory ids and, for history, its registration.
fn contract_write(
    a: &Accepted,
    party_ids: &HashMap<String, i64>,
    rules: &HashMap<&str, Vec<ReviewRule>>,
    now: NaiveDateTime,
) -> ContractWrite {
    let status = if a.registration.is_some() {
        Status::Registered
    } else {
        Status::Submitted
    };
    let mut w = filing::filed_write(&a.contract, &a.office, &a.authority, status, 1, now);
    w.seller_party_id = party_ids.get(&a.contract.seller.directory_key()).copied();
    w.buyer_party_id = party_ids.get(&a.contract.buyer.directory_key()).copied();
    match &a.registration {
        Some((n, on)) => {
            w.registration_number = Some(n.to_string());
            w.registered_on = Some(*on);
        }
        None => {
            let versions = rules
                .get(a.authority.as_str())
                .map_or(&[][..], Vec::as_slice);
            w.submitted_at = Some(now);
            w.review_due_on = Some(review::due_on(versions, &w, now));
        }
    }
    w
}

/// The party directory as a filing keeps it, for every party of the file at once: a party not
/// yet listed is added (its home authority that of the first row naming it); a listed party
/// whose details differ from the last row naming it is updated with who and when. Returns
/// the directory id of every key, and how many were added and updated.
fn remember_parties(
    c: &mut DbConn,
    actor: &Actor,
    accepted: &[Accepted],
    now: NaiveDateTime,
) -> Result<(HashMap<String, i64>, usize, usize), Failure> {
    struct Seen<'a> {
        /// The last row's party: its details win, as the last of several filings would.
        party: &'a Party,
        /// The authority of the first row naming it.
        authority: &'a str,
    }
    let mut order: Vec<String> = Vec::new();
    let mut seen: HashMap<String, Seen<'_>> = HashMap::new();
    for a in accepted {
        for party in [&a.contract.seller, &a.contract.buyer] {
            match seen.entry(party.directory_key()) {
                MapEntry::Occupied(mut o) => o.get_mut().party = party,
                MapEntry::Vacant(v) => {
                    order.push(v.key().clone());
                    v.insert(Seen {
                        party,
                        authority: &a.authority,
                    });
                }
            }
        }
    }
    let keys: Vec<&str> = order.iter().map(String::as_str).collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(order.len());
    let mut updated = 0;
    for existing in db::parties::find_by_keys(c, &keys)? {
        if let Some(s) = seen.get(&existing.party_key) {
            let details = filing::party_details(s.party);
            if existing.details != details {
                db::parties::update(c, existing.id, &details, &actor.name, now)?;
                updated += 1;
            }
        }
        ids.insert(existing.party_key, existing.id);
    }
    let new: Vec<NewParty> = order
        .iter()
        .filter(|k| !ids.contains_key(*k))
        .filter_map(|k| {
            let s = seen.get(k)?;
            Some(NewParty::new(
                k.clone(),
                filing::party_kind(s.party),
                filing::party_details(s.party),
                s.authority.to_owned(),
                &actor.name,
                now,
            ))
        })
        .collect();
    let added = new.len();
    ids.extend(db::parties::insert_batch(c, new)?);
    Ok((ids, added, updated))
}
