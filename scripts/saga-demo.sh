#!/usr/bin/env bash
# The checkout saga, end to end: starts the sample payment (:17101) and messaging (:17102) services and the API
# (:17100, fault injection on, a throwaway SQLite database), then walks through a checkout that completes, one that
# waits out a payment outage, and one that fails and is undone. Stops everything it started on exit.
# The API's first operator key is OC_KEY (at least 24 characters), or one made up for this run; it is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

API=http://127.0.0.1:17100
PAY=http://127.0.0.1:17101
MSG=http://127.0.0.1:17102
DATA=$(mktemp -d)
OC_KEY="${OC_KEY:-oc_demo-$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
AUTH=(-H "Authorization: Bearer $OC_KEY")
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$DATA"; }
trap cleanup EXIT

dotnet build -v q -nologo samples/Dependencies >/dev/null
dotnet build -v q -nologo Api >/dev/null
SERVICES=samples/Dependencies/bin/Debug/net10.0/OrleansConsistency.Dependencies.dll
API_DIR="$PWD/Api/bin/Debug/net10.0"

dotnet "$SERVICES" --service payment --urls "$PAY" --Logging:LogLevel:Default=Warning & PIDS+=($!)
dotnet "$SERVICES" --service messaging --urls "$MSG" --Logging:LogLevel:Default=Warning & PIDS+=($!)
Api__Auth__BootstrapKey="$OC_KEY" dotnet "$API_DIR/OrleansConsistency.Api.dll" --contentRoot "$API_DIR" --urls "$API" \
  --Logging:LogLevel:Default=Warning --Api:FaultInjection=true \
  --Dependencies:payment:BaseUrl="$PAY" --Dependencies:messaging:BaseUrl="$MSG" \
  --Silo:Storage:ConnectionString="Data Source=$DATA/demo.db" & PIDS+=($!)

for url in "$API/health/live" "$PAY/ledger" "$MSG/ledger"; do
  for _ in $(seq 1 150); do curl -sf "$url" >/dev/null && break; sleep 0.2; done
  curl -sf "$url" >/dev/null || { echo "$url did not come up" >&2; exit 1; }
done
echo "API $API, operator key: $OC_KEY   (curl -H \"Authorization: Bearer \$OC_KEY\" ...)"

post() { # type id key json [prefer-wait]
  curl -s -X POST "$API/v1/resources/$1/$2/intents" "${AUTH[@]}" -H 'Content-Type: application/json' -H "Idempotency-Key: $3" \
    ${5:+-H "Prefer: wait=$5"} -d "$4"
}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
status() { curl -s "${AUTH[@]}" "$API/v1/resources/orders/$1/intents/$2" ${3:+-H "Prefer: wait=$3"}; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

say "Stock: 10 socks, 3 hats. A cart with 2 socks and 1 hat (version 1)."
post inventory socks stock-socks '{"op":"set","payload":{"stock":10}}' >/dev/null
post inventory hats stock-hats '{"op":"set","payload":{"stock":3}}' >/dev/null
post carts c-1 cart-1 '{"op":"set","payload":{"items":{"socks":{"quantity":2,"priceCents":500},"hats":{"quantity":1,"priceCents":1500}}}}' >/dev/null

say "Checkout of order o-1 from cart c-1 at version 1 (waits up to 10 s for the saga to end)"
post orders o-1 checkout-1 '{"op":"merge","payload":{"checkout":{"cart":"c-1","cartVersion":1,"card":"4242424242424242","email":"ada@example.com"}}}' 10 \
  | field 'd["state"], "-", d["message"]'
curl -s "${AUTH[@]}" "$API/v1/resources/orders/o-1" | field 'json.dumps(d["document"]["saga"])'
curl -s "${AUTH[@]}" "$API/v1/resources/inventory/socks" | field 'json.dumps(d["document"])'

say "The payment service goes down. Order o-2 waits; everything else goes on."
curl -s -X PUT "$PAY/control" -H 'Content-Type: application/json' -d '{"outage":true}' >/dev/null
post carts c-2 cart-2 '{"op":"set","payload":{"items":{"socks":{"quantity":1,"priceCents":500}}}}' >/dev/null
post orders o-2 checkout-2 '{"op":"merge","payload":{"checkout":{"cart":"c-2","cartVersion":1,"card":"4242424242424242","email":"ada@example.com"}}}' >/dev/null
sleep 3
status o-2 checkout-2 | field 'd["state"], "-", [s.get("detail") for s in d["timeline"] if s["name"]=="consumer:checkout"][0]'
curl -s "${AUTH[@]}" "$API/health/ready" | field '[(x["name"], x["breaker"], x["slotsInUse"], x["queued"]) for x in d["dependencies"]]'
post carts c-9 cart-9 '{"op":"set","payload":{"items":{}}}' 5 | field '"a cart change meanwhile:", d["state"]'

say "The payment service is back: o-2 finishes."
curl -s -X PUT "$PAY/control" -H 'Content-Type: application/json' -d '{}' >/dev/null
status o-2 checkout-2 30 | field 'd["state"], "-", d["message"]'

say "Order o-3 with a card that is declined: the saga releases the stock it reserved."
post carts c-3 cart-3 '{"op":"set","payload":{"items":{"hats":{"quantity":2,"priceCents":1500}}}}' >/dev/null
post orders o-3 checkout-3 '{"op":"merge","payload":{"checkout":{"cart":"c-3","cartVersion":1,"card":"4000000000000002","email":"bob@example.com"}}}' 10 \
  | field 'd["state"], "-", d["message"]'

say "The payment service's ledger and the messages sent"
curl -s "$PAY/ledger" | field '"\n".join("{orderId}: {status} {amountCents} cents, charged {timesCharged}x for {requests} requests".format(**x) for x in d)'
curl -s "$MSG/ledger" | field '"\n".join("{to}: {subject}".format(**x) for x in d)'
