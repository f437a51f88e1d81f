//! Account roles and the data scope each one sees.

use std::fmt;

/// The one role an account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 登记员: files contracts for one registration office.
    Clerk,
    /// 省级管理员: reviews its authority's contracts, manages its offices and clerk accounts.
    ProvinceAdmin,
    /// 部级用户: national statistics and year close.
    Ministry,
    /// 系统管理员: all accounts and offices, no contract data.
    Sysadmin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Clerk,
        Role::ProvinceAdmin,
        Role::Ministry,
        Role::Sysadmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::ProvinceAdmin => "province_admin",
            Role::Ministry => "ministry",
            Role::Sysadmin => "sysadmin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "登记员",
            Role::ProvinceAdmin => "省级管理员",
            Role::Ministry => "部级用户",
            Role::Sysadmin => "系统管理员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The part of the data an actor may see. Every query of scoped data takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One registration office (clerks).
    Office(String),
    /// One province-level authority and its offices (province administrators).
    Authority(String),
    /// The whole country (ministry).
    Nation,
    /// Accounts and offices of the whole country, but no contract data (system administrators).
    Accounts,
}

impl Scope {
    /// Whether this scope covers an object of the given authority (and office, when known).
    pub fn covers(&self, authority_code: Option<&str>, office_code: Option<&str>) -> bool {
        match self {
            Scope::Nation | Scope::Accounts => true,
            Scope::Authority(a) => authority_code == Some(a.as_str()),
            Scope::Office(o) => office_code == Some(o.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn scopes_cover_only_their_part() {
        let p = Scope::Authority("440000".into());
        assert!(p.covers(Some("440000"), Some("440101")));
        assert!(!p.covers(Some("440300"), Some("440301")));
        assert!(!p.covers(None, None));
        let o = Scope::Office("440101".into());
        assert!(o.covers(Some("440000"), Some("440101")));
        assert!(!o.covers(Some("440000"), Some("440102")));
        assert!(Scope::Nation.covers(None, None));
    }
}
