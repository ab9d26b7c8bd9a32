using System.Runtime.InteropServices;

namespace ScenarioEngine.Analytics;

/// <summary>Running totals of one customer's purchases; <see cref="Apply"/> folds in one more purchase and returns the new value.</summary>
/// <remarks>The default value is the empty aggregate (no purchases). Purchases may arrive in any order.</remarks>
public readonly record struct PurchaseAggregates
{
    /// <summary>The aggregate of no purchases.</summary>
    public static PurchaseAggregates Empty => default;

    /// <summary>Time of the earliest purchase, or null when there are none.</summary>
    public DateTimeOffset? FirstPurchaseAt { get; init; }

    /// <summary>Time of the latest purchase, or null when there are none.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>Number of purchases (orders) folded in.</summary>
    public int OrderCount { get; init; }

    /// <summary>Total number of items across all purchases.</summary>
    public long Items { get; init; }

    /// <summary>Total amount spent.</summary>
    public decimal TotalSpend { get; init; }

    /// <summary>Average amount per order, zero when there are no orders.</summary>
    public decimal AverageSpend => OrderCount == 0 ? 0m : TotalSpend / OrderCount;

    /// <summary>Returns this aggregate with one more purchase folded in; the purchase's customer id is not checked.</summary>
    public PurchaseAggregates Apply(Purchase purchase)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        return new PurchaseAggregates
        {
            FirstPurchaseAt = FirstPurchaseAt is { } first && first <= purchase.At ? first : purchase.At,
            LastPurchaseAt = LastPurchaseAt is { } last && last >= purchase.At ? last : purchase.At,
            OrderCount = OrderCount + 1,
            Items = Items + purchase.Quantity,
            TotalSpend = TotalSpend + purchase.Amount,
        };
    }

    /// <summary>Folds purchases into one aggregate per customer id (ordinal comparison).</summary>
    public static Dictionary<string, PurchaseAggregates> ByCustomer(IEnumerable<Purchase> purchases)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        var result = new Dictionary<string, PurchaseAggregates>(StringComparer.Ordinal);
        foreach (var purchase in purchases)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(result, purchase.CustomerId, out _);
            slot = slot.Apply(purchase);
        }

        return result;
    }
}
