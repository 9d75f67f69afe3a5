# rules/README.md's "Review, sign and approve", as a clinic would type it, in a fresh folder:
#   mkdir /tmp/walk && cd /tmp/walk && time bash /path/to/spinewise/benchmarks/walkthrough.sh
# (spinewise on PATH). Three keys, the trust file, two reviewers, a request for changes and
# its resolution, the approval, and a change that voids it.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
export XDG_CONFIG_HOME=$PWD/config XDG_CACHE_HOME=$PWD/cache
mkdir -p keys
unset SPINEWISE_TRUST
cp -r $here/rules my-rules
# everyone: a key
for who in jane bob ann; do ssh-keygen -q -t ed25519 -N "" -f keys/$who -C $who@clinic 2>/dev/null || { mkdir -p keys; ssh-keygen -q -t ed25519 -N "" -f keys/$who -C $who@clinic; }; done
# the safety officer: the trust file
mkdir -p config/spinewise
cat > config/spinewise/trust.yaml <<T
people:
  - name: Jane Doe
    role: physiotherapist
    registration: HCPC PH12345
    public_key: $(cat keys/jane.pub)
  - name: Bob Roe
    role: doctor
    registration: GMC 7654321
    public_key: $(cat keys/bob.pub)
  - name: Ann Lee
    role: doctor
    registration: GMC 1111111
    public_key: $(cat keys/ann.pub)
    approves: true
T
# two reviewers
printf 'r\nName the temperature (38 C) in the question\n' | spinewise rules review my-rules/ --reviewer "Jane Doe" --key keys/jane --rule rf-fever > /dev/null
spinewise rules review my-rules/ --reviewer "Bob Roe" --key keys/bob --yes > /dev/null
spinewise rules doc my-rules/ | grep 'changes requested, not signed off'
req=$(spinewise rules doc my-rules/ | grep -o 'request [0-9a-f]\{12\}' | head -1 | cut -d' ' -f2)
# the change is made, then resolved by naming it
sed -i 's/A temperature above 38 C (100.4 F), shivering/A temperature of 38 C (100.4 F) or more, shivering/' my-rules/questions.yaml
spinewise rules review my-rules/ --reviewer "Bob Roe" --key keys/bob --rule rf-fever --resolves $req --yes > /dev/null
spinewise rules review my-rules/ --reviewer "Bob Roe" --key keys/bob --yes > /dev/null   # rules the edit voided
spinewise rules check my-rules/ 2>&1 | tail -1
spinewise rules approve my-rules/ --reviewer "Ann Lee" --key keys/ann --note "Release checked"
spinewise assess --answers $here/examples/healthy_glutes_only.json --rules my-rules --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["review"])'
# a change voids it
sed -i 's/    value: 7$/    value: 6/' my-rules/20-pain.yaml
sed -i 's/pain_intensity: 6, pain_weeks: 1, pain_exacerbated: false, pain_phase: top}/pain_intensity: 5, pain_weeks: 1, pain_exacerbated: false, pain_phase: top}/' my-rules/20-pain.yaml
spinewise rules check my-rules/ 2>&1 | grep -E 'void|out of date|valid|error' | cut -c1-160
spinewise assess --answers $here/examples/healthy_glutes_only.json --rules my-rules --format text | grep -A1 '^Approval'
