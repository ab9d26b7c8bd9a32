using static ScenarioEngine.Analytics.SpecialFunctions;

namespace ScenarioEngine.Analytics;

/// <summary>The result of fitting the BG/NBD model: the model, its log-likelihood and how the optimiser fared.</summary>
/// <param name="Model">The fitted model.</param>
/// <param name="LogLikelihood">Total log-likelihood of the data at the fitted parameters.</param>
/// <param name="Evaluations">Likelihood evaluations used.</param>
/// <param name="Converged">Whether the optimiser met its tolerances.</param>
public sealed record BgNbdFit(BgNbdModel Model, double LogLikelihood, int Evaluations, bool Converged);

/// <summary>
/// The beta-geometric/NBD model of repeat purchasing (Fader, Hardie and Lee 2005, "Counting your customers
/// the easy way"): while alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and after each
/// purchase drops out with probability p ~ Beta(a, b).
/// </summary>
/// <remarks>Times (recency, age, horizons) are in whatever unit the summaries used; alpha is in that unit too.</remarks>
public sealed record BgNbdModel
{
    /// <summary>Creates a model from its four positive parameters.</summary>
    public BgNbdModel(double r, double alpha, double a, double b)
    {
        R = Positive(r, nameof(r));
        Alpha = Positive(alpha, nameof(alpha));
        A = Positive(a, nameof(a));
        B = Positive(b, nameof(b));
    }

    /// <summary>Shape of the gamma distribution of purchase rates.</summary>
    public double R { get; }

    /// <summary>Scale of the gamma distribution of purchase rates (in the summaries' time unit).</summary>
    public double Alpha { get; }

    /// <summary>First shape of the beta distribution of drop-out probabilities.</summary>
    public double A { get; }

    /// <summary>Second shape of the beta distribution of drop-out probabilities.</summary>
    public double B { get; }

    /// <summary>Fits the model by maximum likelihood (Nelder-Mead on the log-parameters) to customer summaries.</summary>
    public static BgNbdFit Fit(IEnumerable<CustomerSummary> customers, ModelFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        options ??= ModelFitOptions.Default;
        var data = customers.Select(c => (c.Frequency, c.Recency, c.Age)).ToArray();
        if (data.Length == 0)
        {
            throw new ArgumentException("At least one customer is needed to fit the model.", nameof(customers));
        }

        double NegativeLogLikelihood(double[] logParameters)
        {
            var (r, alpha, a, b) = (Math.Exp(logParameters[0]), Math.Exp(logParameters[1]), Math.Exp(logParameters[2]), Math.Exp(logParameters[3]));
            if (!(r > 0 && alpha > 0 && a > 0 && b > 0 && double.IsFinite(r + alpha + a + b)))
            {
                return double.PositiveInfinity;
            }

            var total = 0.0;
            foreach (var (x, tx, age) in data)
            {
                total += LogLikelihood(r, alpha, a, b, x, tx, age);
            }

            return -total;
        }

        // Start from a unit Gamma(1, mean age) rate and a uniform Beta(1, 1) drop-out.
        var meanAge = Math.Max(data.Average(d => d.Age), 1e-6);
        var minimum = NelderMead.Minimize(NegativeLogLikelihood, [0, Math.Log(meanAge), 0, 0], initialStep: 1.0, options);
        var p = minimum.Point;
        var model = new BgNbdModel(Math.Exp(p[0]), Math.Exp(p[1]), Math.Exp(p[2]), Math.Exp(p[3]));
        return new BgNbdFit(model, -minimum.Value, minimum.Evaluations, minimum.Converged);
    }

    /// <summary>Log-likelihood of one customer's history (FHL 2005 equation 6, in the overflow-safe form of Fader and Hardie's 2013 note).</summary>
    public double LogLikelihood(int frequency, double recency, double age)
    {
        Check(frequency, recency, age);
        return LogLikelihood(R, Alpha, A, B, frequency, recency, age);
    }

    /// <summary>Total log-likelihood of a set of customer summaries.</summary>
    public double LogLikelihood(IEnumerable<CustomerSummary> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return customers.Sum(c => LogLikelihood(R, Alpha, A, B, c.Frequency, c.Recency, c.Age));
    }

    /// <summary>Probability that a customer with this history is still alive at the end of the calibration period (FHL 2005 equation 13).</summary>
    public double ProbabilityAlive(int frequency, double recency, double age)
    {
        Check(frequency, recency, age);
        if (frequency == 0)
        {
            return 1.0;
        }

        // 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)), in logs to avoid overflow.
        var logOdds = Math.Log(A / (B + frequency - 1)) + ((R + frequency) * Math.Log((Alpha + age) / (Alpha + recency)));
        return 1.0 / (1.0 + Math.Exp(logOdds));
    }

    /// <summary>Probability that the customer is still alive at the end of the calibration period.</summary>
    public double ProbabilityAlive(CustomerSummary customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return ProbabilityAlive(customer.Frequency, customer.Recency, customer.Age);
    }

    /// <summary>Expected purchases in the next <paramref name="horizon"/> periods given the history (FHL 2005 equation 10).</summary>
    /// <remarks>The closed form divides by a - 1, so it is undefined (NaN) at exactly a = 1.</remarks>
    public double ExpectedPurchases(double horizon, int frequency, double recency, double age)
    {
        Check(frequency, recency, age);
        CheckHorizon(horizon);
        if (horizon == 0)
        {
            return 0;
        }

        var x = frequency;
        var z = horizon / (Alpha + age + horizon);
        var hyper = Hypergeometric2F1(R + x, B + x, A + B + x - 1, z);
        var numerator = 1 - (Math.Pow((Alpha + age) / (Alpha + age + horizon), R + x) * hyper);
        var scale = (A + B + x - 1) / (A - 1);
        var denominator = x == 0
            ? 1.0
            : 1 + Math.Exp(Math.Log(A / (B + x - 1)) + ((R + x) * Math.Log((Alpha + age) / (Alpha + recency))));
        return scale * numerator / denominator;
    }

    /// <summary>Expected purchases by the customer in the next <paramref name="horizon"/> periods.</summary>
    public double ExpectedPurchases(double horizon, CustomerSummary customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return ExpectedPurchases(horizon, customer.Frequency, customer.Recency, customer.Age);
    }

    /// <summary>Expected repeat purchases in the first <paramref name="time"/> periods of a new, randomly chosen customer (FHL 2005 equation 9).</summary>
    /// <remarks>The closed form divides by a - 1, so it is undefined (NaN) at exactly a = 1.</remarks>
    public double ExpectedPurchasesOfNewCustomer(double time)
    {
        CheckHorizon(time);
        if (time == 0)
        {
            return 0;
        }

        var hyper = Hypergeometric2F1(R, B, A + B - 1, time / (Alpha + time));
        return (A + B - 1) / (A - 1) * (1 - (Math.Pow(Alpha / (Alpha + time), R) * hyper));
    }

    private static double LogLikelihood(double r, double alpha, double a, double b, int x, double tx, double age)
    {
        // ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)).
        var a1 = LogGamma(r + x) - LogGamma(r) + (r * Math.Log(alpha));
        var a2 = LogGamma(a + b) + LogGamma(b + x) - LogGamma(b) - LogGamma(a + b + x);
        var a3 = -(r + x) * Math.Log(alpha + age);
        if (x == 0)
        {
            return a1 + a2 + a3;
        }

        var a4 = Math.Log(a) - Math.Log(b + x - 1) - ((r + x) * Math.Log(alpha + tx));
        return a1 + a2 + LogSumExp(a3, a4);
    }

    private static void Check(int frequency, double recency, double age)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        if (!double.IsFinite(age) || age < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(age), age, "The age must be a finite, non-negative number.");
        }

        if (!double.IsFinite(recency) || recency < 0 || recency > age)
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, "The recency must lie between 0 and the age.");
        }
    }

    private static void CheckHorizon(double horizon)
    {
        if (!double.IsFinite(horizon) || horizon < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be a finite, non-negative number.");
        }
    }

    private static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "The parameter must be a positive, finite number.");
}
