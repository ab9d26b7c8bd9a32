using System.Globalization;
using ScenarioEngine.Core.Model;

namespace ScenarioEngine.Runtime.Engine;

/// <summary>Folds events into the profile: identify sets attributes and consent, purchases update order aggregates, NPS answers and email feedback update computed values and suppression.</summary>
public static class ProfileProjection
{
    /// <summary>Events that suppress email at once (SendGrid feedback mapped by the channel adapter).</summary>
    private static readonly Dictionary<string, string> Suppressing = new(StringComparer.Ordinal)
    {
        ["email.bounced"] = "bounce", ["email.spamreport"] = "spam report", ["email.unsubscribed"] = "unsubscribed",
        ["email.group_unsubscribed"] = "unsubscribed from the group", ["line.unfollowed"] = "unfollowed",
    };

    /// <summary>How many NPS answers the compact history (computed value nps.history) keeps, newest last.</summary>
    public const int NpsHistoryLength = 24;

    /// <summary>Applies one event to a profile in place, and adds it to the recent-event log; returns true when anything changed.</summary>
    public static bool Apply(CustomerProfile profile, CustomerEvent e)
    {
        var changed = Project(profile, e);
        return RecentEventLog.Record(profile, e) || changed;
    }

    private static bool Project(CustomerProfile profile, CustomerEvent e)
    {
        switch (e.Type)
        {
            case "identify":
                foreach (var (key, value) in e.Properties)
                {
                    if (key.StartsWith("consent.", StringComparison.Ordinal))
                    {
                        profile.Consent[key["consent.".Length..]] = value.AsBool;
                        if (value.AsBool && key == "consent.email")
                        {
                            // Opting in again lifts an unsubscribe, never a bounce or spam report.
                            if (profile.Suppressed.TryGetValue("email", out var why) && why.StartsWith("unsubscribed", StringComparison.Ordinal))
                            {
                                profile.Suppressed.Remove("email");
                            }
                        }
                    }
                    else if (key == "timeZone")
                    {
                        profile.TimeZone = value.AsString;
                    }
                    else if (value.IsNull)
                    {
                        profile.Attributes.Remove(key);
                    }
                    else
                    {
                        profile.Attributes[key] = value;
                    }
                }

                return true;

            case "purchase":
                var amount = e.Properties.TryGetValue("amount", out var a) && a.TryGetNumber(out var n) ? n : 0;
                var quantity = e.Properties.TryGetValue("quantity", out var q) && q.TryGetNumber(out var qn) ? qn : 1;
                var count = Number(profile, "orders.count") + 1;
                var total = Number(profile, "orders.total") + amount;
                profile.Computed["orders.count"] = Value.From(count);
                profile.Computed["orders.total"] = Value.From(total);
                profile.Computed["orders.average"] = Value.From(total / count);
                profile.Computed["orders.items"] = Value.From(Number(profile, "orders.items") + quantity);
                if (!profile.Computed.TryGetValue("orders.firstAt", out var first) || !first.TryGetTime(out var f) || e.OccurredAt < f)
                {
                    profile.Computed["orders.firstAt"] = Value.From(e.OccurredAt);
                }

                if (!profile.Computed.TryGetValue("orders.lastAt", out var last) || !last.TryGetTime(out var l) || e.OccurredAt > l)
                {
                    profile.Computed["orders.lastAt"] = Value.From(e.OccurredAt);
                    profile.Computed["orders.lastAmount"] = Value.From(amount);
                }

                return true;

            case "nps.response":
                if (e.Properties.TryGetValue("score", out var s) && s.TryGetNumber(out var score) && score is >= 0 and <= 10)
                {
                    AddNpsAnswer(profile, e, score);
                    if (profile.Computed.TryGetValue("nps.respondedAt", out var latest) && latest.TryGetTime(out var lt) && lt > e.OccurredAt)
                    {
                        return true; // a late answer older than the latest: history only
                    }

                    profile.Computed["nps.score"] = Value.From(score);
                    profile.Computed["nps.category"] = Value.From(score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor");
                    profile.Computed["nps.respondedAt"] = Value.From(e.OccurredAt);
                    return true;
                }

                return false;

            case "analytics.updated":
                // Values recomputed by the daily analytics job: rfm.*, clv.*.
                foreach (var (key, value) in e.Properties)
                {
                    profile.Computed[key] = value;
                }

                return true;

            default:
                if (Suppressing.TryGetValue(e.Type, out var reason))
                {
                    var medium = e.Type[..e.Type.IndexOf('.', StringComparison.Ordinal)];
                    profile.Suppressed[medium] = reason + " at " + e.OccurredAt.ToString("O", CultureInfo.InvariantCulture);
                    return true;
                }

                return false;
        }
    }

    /// <summary>
    /// Keeps the last <see cref="NpsHistoryLength"/> answers as nps.history: a list of [answeredAt, score, journey] entries (journey is
    /// the event's journey property, or null), in time order, so reports can count answers per month and per journey.
    /// </summary>
    private static void AddNpsAnswer(CustomerProfile profile, CustomerEvent e, double score)
    {
        var history = profile.Computed.TryGetValue("nps.history", out var h) ? h.AsList.ToList() : [];
        var journey = e.Properties.TryGetValue("journey", out var j) && j.Kind == ValueKind.String ? j : Value.Null;
        var entry = Value.From([Value.From(e.OccurredAt), Value.From(score), journey]);
        var i = history.Count;
        while (i > 0 && history[i - 1].AsList is [var at, ..] && at.TryGetTime(out var t) && t > e.OccurredAt)
        {
            i--;
        }

        history.Insert(i, entry);
        if (history.Count > NpsHistoryLength)
        {
            history.RemoveRange(0, history.Count - NpsHistoryLength);
        }

        profile.Computed["nps.history"] = Value.From(history);
    }

    private static double Number(CustomerProfile p, string key) => p.Computed.TryGetValue(key, out var v) && v.TryGetNumber(out var n) ? n : 0;
}
