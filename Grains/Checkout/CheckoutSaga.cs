using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Checkout;

/// <summary>
/// One run of the checkout saga for one order intent: snapshot the cart at the asked version, reserve stock on each
/// inventory resource, charge the payment service, request the confirmation message. Every step is idempotent (keys
/// from <see cref="SagaKeys"/>; reservations are recorded in the inventory document itself), and the progress is
/// recorded on the order (its <c>saga</c> member) as intents with derived keys, so a run after a crash resumes the
/// same saga and never takes an effect twice. A permanent failure undoes the completed steps in reverse (refund,
/// release stock), records what happened, and ends the order's intent failed with that message.
/// </summary>
internal sealed class CheckoutSaga
{
    private const string Carts = "carts";
    private const string Inventory = "inventory";
    private const string Orders = "orders";
    private const int MaxReservationRounds = 200;

    private readonly CheckoutContext _services;
    private readonly TransitionEvent _order;
    private readonly CheckoutRequest _request;
    private readonly SagaKeys _keys;

    public CheckoutSaga(CheckoutContext services, TransitionEvent order, CheckoutRequest request)
    {
        _services = services;
        _order = order;
        _request = request;
        _keys = new SagaKeys(order.Resource, order.IntentKey!);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var saga = await ReadSagaAsync();
        var owner = saga?["intent"]?.GetValue<string>();
        if (owner is not null && owner != _order.IntentKey)
        {
            throw new PoisonEventException($"Checkout refused: this order is already checked out by another request ('{owner}'). Nothing was changed.");
        }

        switch (saga?["stage"]?.GetValue<string>())
        {
            case "completed":
                return;
            case "failed":
                throw new PoisonEventException(saga!["message"]?.GetValue<string>() ?? "Checkout failed.");
            case "compensating":
                await CompensateAsync(saga!["failedStep"]!.GetValue<string>(), saga["failure"]!.GetValue<string>(), saga, cancellationToken);
                return;
        }

        try
        {
            if (saga is null)
            {
                await RecordAsync("started", new JsonObject { ["intent"] = _order.IntentKey, ["stage"] = "started", ["cart"] = _request.Cart, ["cartVersion"] = _request.CartVersion });
            }

            var lines = await ReadCartAsync(cancellationToken);
            foreach (var line in lines)
            {
                await ReserveAsync(line);
            }

            var amount = lines.Sum(l => l.Quantity * l.PriceCents);
            var reserved = new JsonObject();
            foreach (var line in lines)
            {
                reserved[line.Sku] = line.Quantity;
            }

            await RecordAsync("reserved", new JsonObject { ["stage"] = "reserved", ["reserved"] = reserved, ["amountCents"] = amount });
            var chargeId = await ChargeAsync(amount, cancellationToken);
            await RecordAsync("charged", new JsonObject { ["stage"] = "charged", ["chargeId"] = chargeId });
            var messageId = await ConfirmAsync(amount, lines, cancellationToken);
            await RecordAsync("completed", new JsonObject { ["stage"] = "completed", ["messageId"] = messageId });
        }
        catch (CheckoutFailedException failure)
        {
            // Recorded before anything is undone: a run after a crash must undo, not try the steps again.
            await RecordAsync("compensating", new JsonObject { ["stage"] = "compensating", ["failedStep"] = failure.Step, ["failure"] = failure.Message });
            await CompensateAsync(failure.Step, failure.Message, await ReadSagaAsync(), cancellationToken);
        }
    }

    /// <summary>Undoes in reverse order what the steps before <paramref name="failedStep"/> may have done, records it, and ends the intent failed.</summary>
    private async Task CompensateAsync(string failedStep, string reason, JsonObject? saga, CancellationToken cancellationToken)
    {
        var undone = new List<string>();
        var paymentTaken = false;
        if (failedStep is "charge" or "confirm")
        {
            // Also when the charge's answer never came: the refund cancels a charge still on its way.
            var (status, amount) = await RefundAsync(cancellationToken);
            paymentTaken = status == "refunded";
            if (paymentTaken)
            {
                undone.Add($"the payment of {Money(amount)} was refunded");
            }
        }

        if (failedStep != "cart")
        {
            var released = new List<string>();
            foreach (var line in await ReadCartAsync(cancellationToken))
            {
                var quantity = await ReleaseAsync(line.Sku);
                var recorded = saga?["reserved"]?[line.Sku]?.GetValue<long>() ?? 0;
                if (Math.Max(quantity, recorded) > 0)
                {
                    released.Add($"{Math.Max(quantity, recorded)} × {line.Sku}");
                }
            }

            if (released.Count > 0)
            {
                undone.Add($"the reserved stock was released ({string.Join(", ", released)})");
            }
        }

        var message = $"Checkout failed: {reason}. "
            + (undone.Count == 0 ? "Nothing had been done yet, so nothing needed undoing." : $"Undone: {string.Join("; ", undone)}.")
            + (paymentTaken ? string.Empty : " No payment was taken.");
        message = await RecordAsync("failed", new JsonObject { ["stage"] = "failed", ["message"] = message }) ?? message;
        throw new PoisonEventException(message);
    }

    private async Task<IReadOnlyList<CartLine>> ReadCartAsync(CancellationToken cancellationToken)
    {
        if (!ResourceKey.IsValidId(_request.Cart))
        {
            throw new CheckoutFailedException("cart", $"'{_request.Cart}' is not a valid cart id");
        }

        var cart = InTenant(Carts, _request.Cart);
        JsonElement? document;
        var page = await _services.Log.ReadStreamAsync(cart.StreamNamespace, cart.Id, _request.CartVersion, 1, cancellationToken);
        if (page.Count == 1 && page[0].Version == _request.CartVersion)
        {
            document = JsonSerializer.Deserialize(page[0].Payload, GrainsJsonContext.Default.TransitionEvent)!.Document;
        }
        else
        {
            var snapshot = await Grain(cart).GetSnapshot();
            document = snapshot.Version == _request.CartVersion ? snapshot.Document
                : throw new CheckoutFailedException("cart", snapshot.Version < _request.CartVersion
                    ? $"cart '{cart.Id}' has no version {_request.CartVersion} (it is at version {snapshot.Version})"
                    : $"version {_request.CartVersion} of cart '{cart.Id}' is no longer kept");
        }

        if (document is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Object)
        {
            throw new CheckoutFailedException("cart", $"cart '{cart.Id}' at version {_request.CartVersion} has no items");
        }

        var lines = new List<CartLine>();
        foreach (var item in items.EnumerateObject())
        {
            if (!ResourceKey.IsValidId(item.Name)
                || item.Value.ValueKind != JsonValueKind.Object
                || !item.Value.TryGetProperty("quantity", out var quantity) || !quantity.TryGetInt64(out var count) || count < 0
                || !item.Value.TryGetProperty("priceCents", out var price) || !price.TryGetInt64(out var cents) || cents < 0)
            {
                throw new CheckoutFailedException("cart", $"item '{item.Name}' of cart '{cart.Id}' needs a quantity and a priceCents (whole numbers, 0 or more)");
            }

            if (count > 0)
            {
                lines.Add(new CartLine(item.Name, count, cents));
            }
        }

        return lines.Count > 0 ? lines : throw new CheckoutFailedException("cart", $"cart '{cart.Id}' at version {_request.CartVersion} is empty");
    }

    /// <summary>Takes the line's quantity out of the item's stock and notes it under <c>reserved.{order}</c>, unless already noted (which is what makes it idempotent).</summary>
    private async Task ReserveAsync(CartLine line)
    {
        var item = Grain(InTenant(Inventory, line.Sku));
        for (var round = 0; round < MaxReservationRounds; round++)
        {
            var snapshot = await item.GetSnapshot();
            var document = snapshot.Document is { } element ? JsonNode.Parse(element.GetRawText())!.AsObject() : null;
            if (document?["reserved"]?[_order.ResourceId] is not null)
            {
                return;
            }

            var stock = document?["stock"]?.GetValue<long>() ?? throw new CheckoutFailedException("reserve", $"'{line.Sku}' is not sold here (it has no stock record)");
            if (stock < line.Quantity)
            {
                throw new CheckoutFailedException("reserve", $"'{line.Sku}' is out of stock ({line.Quantity} wanted, {stock} left)");
            }

            var change = new JsonObject { ["stock"] = stock - line.Quantity, ["reserved"] = new JsonObject { [_order.ResourceId] = line.Quantity } };
            if (await SubmitAsync(item, _keys.Inventory("reserve", line.Sku, snapshot.Version), change, snapshot.Version))
            {
                return;
            }
        }

        throw new DependencyWaitException($"waiting to reserve '{line.Sku}': it is changing too often to reserve it right now");
    }

    /// <summary>Gives the order's reservation of an item back to its stock; returns how many went back (0 when none was held).</summary>
    private async Task<long> ReleaseAsync(string sku)
    {
        var item = Grain(InTenant(Inventory, sku));
        for (var round = 0; round < MaxReservationRounds; round++)
        {
            var snapshot = await item.GetSnapshot();
            var document = snapshot.Document is { } element ? JsonNode.Parse(element.GetRawText())!.AsObject() : null;
            if (document?["reserved"]?[_order.ResourceId]?.GetValue<long>() is not { } quantity)
            {
                return 0;
            }

            var stock = document["stock"]?.GetValue<long>() ?? 0;
            var change = new JsonObject { ["stock"] = stock + quantity, ["reserved"] = new JsonObject { [_order.ResourceId] = null } };
            if (await SubmitAsync(item, _keys.Inventory("release", sku, snapshot.Version), change, snapshot.Version))
            {
                return quantity;
            }
        }

        throw new DependencyWaitException($"waiting to release the stock of '{sku}': it is changing too often right now");
    }

    private async Task<string> ChargeAsync(long amount, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["orderId"] = _order.ResourceId, ["amountCents"] = amount, ["card"] = _request.Card };
        try
        {
            var answer = await CallAsync(_services.Payment, "charge", "charge the payment", _keys.Charge, "/charges", body, forward: true, cancellationToken);
            return answer?["chargeId"]?.GetValue<string>() ?? string.Empty;
        }
        catch (DependencyRejectedException refused)
        {
            throw new CheckoutFailedException("charge", $"the payment was not accepted ({refused.Message})");
        }
    }

    private async Task<(string Status, long Amount)> RefundAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync(_services.Payment, "refund", "refund the payment", _keys.Refund, "/refunds", new JsonObject { ["chargeKey"] = _keys.Charge }, forward: false, cancellationToken);
        return (answer?["status"]?.GetValue<string>() ?? "voided", answer?["amountCents"]?.GetValue<long>() ?? 0);
    }

    private async Task<string> ConfirmAsync(long amount, IReadOnlyList<CartLine> lines, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["to"] = _request.Email,
            ["subject"] = $"Order {_order.ResourceId} confirmed",
            ["text"] = $"Thank you. We took {Money(amount)} for {string.Join(", ", lines.Select(l => $"{l.Quantity} × {l.Sku}"))}.",
        };
        try
        {
            var answer = await CallAsync(_services.Messaging, "confirm", "send the confirmation", _keys.Confirm, "/messages", body, forward: true, cancellationToken);
            return answer?["messageId"]?.GetValue<string>() ?? string.Empty;
        }
        catch (DependencyRejectedException refused)
        {
            throw new CheckoutFailedException("confirm", $"the confirmation could not be sent ({refused.Message})");
        }
    }

    /// <summary>
    /// Calls a dependency through its pipeline. While it is down the saga waits (the intent stays in progress, its
    /// status says for what and when it tries again); a forward step waiting longer than <c>Checkout:GiveUpAfter</c>
    /// fails for good, and the saga undoes what it did. Undoing never gives up.
    /// </summary>
    private async Task<JsonNode?> CallAsync(Dependency dependency, string step, string doing, string key, string path, JsonObject body, bool forward, CancellationToken cancellationToken)
    {
        try
        {
            return await dependency.ExecuteAsync(key, ct => DependencyHttp.PostAsync(_services.Http, dependency, path, key, body, ct), cancellationToken);
        }
        catch (Exception ex) when (Dependency.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            var what = Dependency.Describe(ex);
            var plain = what.StartsWith("it ", StringComparison.Ordinal) ? $"{dependency.DisplayName} {what[3..]}" : $"{dependency.DisplayName}: {what}";
            var waited = _services.TimeProvider.GetUtcNow() - _order.OccurredAt;
            if (forward && waited >= _services.Options.GiveUpAfter)
            {
                throw new CheckoutFailedException(step, $"could not {doing} for {Minutes(waited)} ({plain})");
            }

            throw new DependencyWaitException($"waiting to {doing}: {plain}", ex, dependency.BreakerRetryAfter());
        }
    }

    /// <summary>Submits an intent at an expected version; true when applied (or applied before), false when the resource moved on first.</summary>
    private async Task<bool> SubmitAsync(IResourceGrain grain, string key, JsonObject change, long expectedVersion)
    {
        var payload = JsonSerializer.SerializeToElement(change, GrainsJsonContext.Default.JsonObject);
        var result = await grain.Submit(new Intent(key, IntentOperation.Merge, payload, expectedVersion, _order.CorrelationId));
        return result.Status.State != IntentState.Rejected;
    }

    /// <summary>Records progress on the order (merged into its <c>saga</c> member); returns the recorded message when one was recorded before with other words.</summary>
    private async Task<string?> RecordAsync(string stage, JsonObject saga)
    {
        var payload = JsonSerializer.SerializeToElement(new JsonObject { ["saga"] = saga }, GrainsJsonContext.Default.JsonObject);
        try
        {
            await Grain(InTenant(Orders, _order.ResourceId)).Submit(new Intent(_keys.Progress(stage), IntentOperation.Merge, payload, null, _order.CorrelationId));
            return null;
        }
        catch (IdempotencyKeyMisuseException)
        {
            // Recorded before (by a run that crashed after it) with other details: the record stands.
            return (await ReadSagaAsync())?["message"]?.GetValue<string>();
        }
    }

    private async Task<JsonObject?> ReadSagaAsync()
    {
        var snapshot = await Grain(InTenant(Orders, _order.ResourceId)).GetSnapshot();
        return snapshot.Document is { } document ? JsonNode.Parse(document.GetRawText())?["saga"] as JsonObject : null;
    }

    // The cart, the stock and the order are all the order's tenant's.
    private ResourceKey InTenant(string type, string id) => new(type, id, _order.Resource.Tenant);

    private IResourceGrain Grain(ResourceKey resource) => _services.Grains.GetGrain<IResourceGrain>(resource.GrainKey);

    private static string Money(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} minutes" : $"{span.TotalSeconds:0} seconds";
}
