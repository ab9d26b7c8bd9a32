using static ScenarioEngine.Analytics.SpecialFunctions;

namespace ScenarioEngine.Analytics;

/// <summary>The result of fitting the Gamma-Gamma spend model.</summary>
/// <param name="Model">The fitted model.</param>
/// <param name="LogLikelihood">Total log-likelihood of the repeat customers' average spends.</param>
/// <param name="CustomersUsed">Customers the fit used (those with repeat purchases and a positive average spend).</param>
/// <param name="Evaluations">Likelihood evaluations used.</param>
/// <param name="Converged">Whether the optimiser met its tolerances.</param>
public sealed record GammaGammaFit(GammaGammaModel Model, double LogLikelihood, int CustomersUsed, int Evaluations, bool Converged);

/// <summary>
/// The Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005, "RFM and CLV: using iso-value
/// curves for customer base analysis"; Fader and Hardie 2013, "The Gamma-Gamma model of monetary value"):
/// transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers.
/// </summary>
/// <remarks>The scale parameter gamma is called v here, as in the lifetimes library.</remarks>
public sealed record GammaGammaModel
{
    /// <summary>Creates a model from its three positive parameters.</summary>
    public GammaGammaModel(double p, double q, double v)
    {
        P = Positive(p, nameof(p));
        Q = Positive(q, nameof(q));
        V = Positive(v, nameof(v));
    }

    /// <summary>Shape of the per-transaction spend distribution.</summary>
    public double P { get; }

    /// <summary>Shape of the distribution of customers' spend rates.</summary>
    public double Q { get; }

    /// <summary>Scale of the distribution of customers' spend rates (gamma in the papers).</summary>
    public double V { get; }

    /// <summary>Fits the model by maximum likelihood over the customers with repeat purchases and a positive average repeat spend.</summary>
    public static GammaGammaFit Fit(IEnumerable<CustomerSummary> customers, ModelFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        options ??= ModelFitOptions.Default;
        var data = customers
            .Where(c => c.Frequency > 0 && c.AverageRepeatSpend > 0m)
            .Select(c => (X: c.Frequency, Mean: (double)c.AverageRepeatSpend))
            .ToArray();
        if (data.Length == 0)
        {
            throw new ArgumentException("At least one customer with repeat purchases is needed to fit the model.", nameof(customers));
        }

        double NegativeLogLikelihood(double[] logParameters)
        {
            var (p, q, v) = (Math.Exp(logParameters[0]), Math.Exp(logParameters[1]), Math.Exp(logParameters[2]));
            if (!(p > 0 && q > 0 && v > 0 && double.IsFinite(p + q + v)))
            {
                return double.PositiveInfinity;
            }

            var total = 0.0;
            foreach (var (x, mean) in data)
            {
                total += LogLikelihood(p, q, v, x, mean);
            }

            return -total;
        }

        var minimum = NelderMead.Minimize(NegativeLogLikelihood, [0, 0, 0], initialStep: 1.0, options);
        var point = minimum.Point;
        var model = new GammaGammaModel(Math.Exp(point[0]), Math.Exp(point[1]), Math.Exp(point[2]));
        return new GammaGammaFit(model, -minimum.Value, data.Length, minimum.Evaluations, minimum.Converged);
    }

    /// <summary>Log-density of a customer's average spend over <paramref name="frequency"/> transactions.</summary>
    public double LogLikelihood(int frequency, decimal averageSpend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(averageSpend);
        return LogLikelihood(P, Q, V, frequency, (double)averageSpend);
    }

    /// <summary>Total log-likelihood over the customers with repeat purchases and a positive average repeat spend.</summary>
    public double LogLikelihood(IEnumerable<CustomerSummary> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return customers
            .Where(c => c.Frequency > 0 && c.AverageRepeatSpend > 0m)
            .Sum(c => LogLikelihood(P, Q, V, c.Frequency, (double)c.AverageRepeatSpend));
    }

    /// <summary>The population mean spend per transaction, p v / (q - 1), which is also the expectation for a customer with no repeat purchases.</summary>
    public double PopulationMeanSpend =>
        Q > 1 ? P * V / (Q - 1) : throw new InvalidOperationException("The mean spend is infinite when q <= 1.");

    /// <summary>Expected spend per transaction given the customer's repeat purchases and their average: p (v + x m) / (p x + q - 1).</summary>
    public double ExpectedAverageSpend(int frequency, decimal averageSpend)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        ArgumentOutOfRangeException.ThrowIfNegative(averageSpend);
        if (frequency == 0)
        {
            return PopulationMeanSpend;
        }

        return P * (V + (frequency * (double)averageSpend)) / ((P * frequency) + Q - 1);
    }

    /// <summary>Expected spend per transaction for the customer.</summary>
    public double ExpectedAverageSpend(CustomerSummary customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return ExpectedAverageSpend(customer.Frequency, customer.AverageRepeatSpend);
    }

    private static double LogLikelihood(double p, double q, double v, int x, double mean)
    {
        var px = p * x;
        return LogGamma(px + q) - LogGamma(px) - LogGamma(q)
            + (q * Math.Log(v))
            + ((px - 1) * Math.Log(mean))
            + (px * Math.Log(x))
            - ((px + q) * Math.Log(v + (x * mean)));
    }

    private static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "The parameter must be a positive, finite number.");
}
