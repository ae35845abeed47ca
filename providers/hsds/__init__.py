"""Open data the standard way: the published offers as an Open Referral HSDS 3.0 API
(/api/hsds/). Above the offers' selectors and public fields; see docs/hsds.md."""
