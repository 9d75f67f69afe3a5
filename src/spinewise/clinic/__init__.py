"""The clinic: practitioners follow the lifters who share their journal with them (contract "The clinic").

models.py (the tables), db.py (engines and migrations), store.py (what the commands and pages
do, each in one transaction and audited), attention.py (the list, in the rule base's order),
app.py (the web pages)."""
