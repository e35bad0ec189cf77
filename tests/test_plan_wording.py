"""Markdown plans as people write them: what marks steps as parallel, what a step changes, what
counts as a check. Each case is a plan that once drew a finding a reviewer would dismiss, or one
that should draw one."""

from __future__ import annotations

import pytest

from linter.testing import lint_source


def _codes(plan: str) -> list[str]:
    return [d.code for d in lint_source(plan, ".md")]


@pytest.mark.parametrize("plan", [
    # the document's title names the feature, not how to run the plan
    """
    # Plan: Process webhook deliveries concurrently
    ## Context
    Deliveries are slow.
    ## Approach
    1. Add a worker pool in `src/deliver.py`
    2. Wire it into `src/app.py`
    ## Verification
    1. Run `pytest -q`
    """,
    # a step that builds a concurrent feature: its sub-steps are still in order
    """
    - [ ] 2. Implement chunked uploads that send chunks concurrently
      - [ ] 2.1 Add the `ChunkQueue` class in `src/uploads/queue.ts`
      - [ ] 2.2 Wire `ChunkQueue` into `UploadService.upload()` in `src/uploads/service.ts` (needs 2.1)
    """,
    """
    1. Update loadDashboard() to fetch the widgets in parallel with Promise.all
       1. Replace the chain of awaits in `web/src/dashboard.ts`
       2. Keep the per-widget error handling in `web/src/dashboard.ts`
    2. Run `npm test`
    """,
    # a list of files under a paragraph of a parallel phase is no list of steps
    """
    ## Phase 2 (in parallel)
    Files to modify:
    - `src/export/csv.py`
    - `src/export/xlsx.py`
    1. Add `CsvExporter` in `src/export/csv.py`
    2. Add `XlsxExporter` in `src/export/xlsx.py`
    ## Phase 3
    1. Integrate and run `pytest`
    """,
    # a verification paragraph ends the phase
    """
    ## Implementation (in parallel)
    1. Add `parse_duration` in `src/time.py`
    2. Add `tests/test_time.py` with cases for `parse_duration`
    **Verification**
    - Run `pytest tests/test_time.py`
    """,
    # a file only referred to is not changed
    """
    ## Endpoints (in parallel)
    1. Update `src/api/users.py` to paginate, following the pattern in `src/api/orders.py`
    2. Update `src/api/products.py` to paginate, following the pattern in `src/api/orders.py`
    ## Then
    1. Run the tests and review the diff
    """,
    # framework names are not files
    """
    ## Auth (parallel)
    1. Add the Next.js login page under `app/login/page.tsx`
    2. Add Next.js middleware in `middleware.ts` to protect `/dashboard`
    ## Check
    1. Run `npm test` and review
    """,
    # counts are not step numbers
    """
    ## Client hardening (in parallel)
    1. Add exponential backoff to `src/client/http.py`, giving up after 3 attempts
    2. Add a circuit breaker in `src/client/breaker.py` that opens after 5 failures
    3. Add request timing metrics in `src/client/metrics.py`
    ## Wrap up
    1. Run `pytest` and review the changes
    """,
    # said not to run in parallel
    """
    Run these sequentially rather than in parallel:
    1. Migrate `db/schema.sql`
    2. Seed `db/seed.sql`
    """,
    # pytest is a check
    """
    ## Fixes (in parallel)
    1. Fix the parser in `src/parser.py`
    2. Fix the lexer in `src/lexer.py`
    ## After
    1. Run `pytest -q` and `mypy src/`
    """,
    # a requirements list and a verification list are no investigation steps
    """
    ## Requirements
    1. Read-only endpoints in `src/api/public.py` allow 100 requests a minute
    2. Review endpoints in `src/api/review.py` allow 10 a minute
    3. Search endpoints in `src/api/search.py` allow 20 a minute
    """,
    """
    ## Verification
    1. Check `src/auth/redirect.py` still rejects external URLs
    2. Check `tests/test_redirect.py` passes locally
    3. Check `docs/auth.md` mentions the `next` parameter
    """,
    # a reading order stated in words
    """
    1. Read `docs/architecture.md` for the big picture
    2. Read `docs/data-model.md`; it assumes you know the architecture
    3. Read `docs/operations.md` once you understand the data model
    """,
])
def test_plans_that_draw_no_finding(plan: str) -> None:
    assert _codes(plan) == []


@pytest.mark.parametrize(("plan", "codes"), [
    # Spec Kit: consecutive [P] tasks run together, and two of them change one file
    ("""
    ## Phase 2
    - [ ] T004 Create the database schema in `src/db/schema.sql`
    - [ ] T005 [P] Add the `Album` model in `src/models/album.ts`
    - [ ] T006 [P] Add the `Photo` model in `src/models/album.ts`
    - [ ] T007 Run the tests and review the models
    """, ["PAR501"]),
    # "needs step 1" inside a parallel group
    ("""
    ## Build (in parallel)
    1. Define the `Invoice` type in `src/types/invoice.ts`
    2. Render invoices in `src/ui/InvoiceTable.tsx` (needs step 1)
    ## Then
    1. Run the tests and review
    """, ["PAR501"]),
    # steps a sentence names as parallel; two of them change one file (a route is no file)
    ("""
    1. Add `export_csv()` to `src/reports/export.py`
    2. Add the `/reports/export` route to `src/api/routes.py`
    3. Add the "Export" button to `web/src/pages/Reports.tsx`, calling `/reports/export`
    4. Register the export route in `src/api/routes.py` router table

    Steps 2, 3 and 4 are independent and can run in parallel once step 1 is done.

    5. Run `pytest` and `npm test`
    """, ["PAR501"]),
    # a later "Checkout" heading is no check of the group
    ("""
    ## Build (in parallel)
    1. Add `src/a.py`
    2. Add `src/b.py`
    3. Add `src/c.py`
    ## Deploy
    1. Deploy to staging
    ## Out of scope
    - Checkout flow changes
    """, ["PAR503"]),
])
def test_plans_that_draw_a_finding(plan: str, codes: list[str]) -> None:
    assert _codes(plan) == codes
