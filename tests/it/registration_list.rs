//! The 登记清单: registered contracts of a seller or an office over a period, with totals, as a
//! page, CSV and workbook, marked as no tax document, within the viewer's scope.

use crate::fixtures::seller_uscc;
use crate::review::{decide, filed, this_year};
use crate::support::TestApp;
use techreg::export::registration_list::NOT_A_TAX_DOCUMENT;

#[actix_web::test]
async fn a_sellers_list_holds_its_registered_contracts_with_totals_in_every_format() {
    let app = TestApp::demo().await;
    let clerk = app.signed_in("gz_clerk").await;
    let admin = app.signed_in("gd_admin").await;
    for project in ["清单储能咨询一", "清单储能咨询二"] {
        let id = filed(&clerk, "30", project).await;
        assert_eq!(decide(&admin, id, "approve", &[]).await.status, 303);
    }
    let waiting = filed(&clerk, "30", "清单尚未登记的咨询").await;
    assert!(waiting > 0);

    // The clerk's own office by default.
    let page = clerk.get("/registration-list").await;
    assert_eq!(page.status, 200);
    let year = this_year();
    for expected in [
        NOT_A_TAX_DOCUMENT.to_owned(),
        format!("{year} 4401 01 000001"),
        format!("{year} 4401 01 000002"),
        "共 2 份".to_owned(),
        "2,500,000.00".to_owned(),
        "2,400,000.00".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "{expected}: {}", page.body);
    }
    assert!(
        !page.body.contains("清单尚未登记的咨询"),
        "only registered contracts"
    );

    let uscc = seller_uscc();
    let query = format!("seller_uscc={uscc}&from={year}-01-01&to={year}-12-31");
    let csv = clerk.get(&format!("/registration-list.csv?{query}")).await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[1], NOT_A_TAX_DOCUMENT);
    assert_eq!(lines.len(), 6, "{}", csv.body);
    assert_eq!(lines[5], "合计,共 2 份,,,,,,2500000.00,2400000.00");

    let res = clerk
        .http
        .get(clerk.app.url(&format!("/registration-list.xlsx?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.unwrap();
    let sheet =
        String::from_utf8(techreg::input::xlsx::first_sheet_as_csv(&bytes).unwrap()).unwrap();
    assert!(
        sheet.contains(NOT_A_TAX_DOCUMENT) && sheet.contains("清单储能咨询二"),
        "{sheet}"
    );

    // Another authority sees none of them; a period that runs backwards is named.
    let other = app.signed_in("bj_admin").await;
    let page = other.get(&format!("/registration-list?{query}")).await.body;
    assert!(page.contains("共 0 份"), "{page}");
    let bad = clerk
        .get(&format!(
            "/registration-list?seller_uscc={uscc}&from={year}-12-31&to={year}-01-01"
        ))
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("登记日期止不能早于登记日期起"));
}
