namespace ScenarioEngine.Analytics;

/// <summary>The special functions the probability models need, since the BCL has none.</summary>
internal static class SpecialFunctions
{
    private const double LanczosG = 7;

    // Lanczos coefficients for g = 7, n = 9 (Godfrey); relative error about 1e-15 for the gamma function.
    private static readonly double[] _lanczos =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    private static readonly double _halfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>ln |Gamma(x)| for x not a non-positive integer.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = _lanczos[0];
        for (var i = 1; i < _lanczos.Length; i++)
        {
            sum += _lanczos[i] / (x + i);
        }

        var t = x + LanczosG + 0.5;
        return _halfLogTwoPi + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>ln B(a, b), the log of the beta function.</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for 0 &lt;= z &lt; 1.</summary>
    /// <remarks>The series converges for |z| &lt; 1 but slowly near 1; the BG/NBD argument t / (alpha + T + t) stays well below 1 for practical horizons.</remarks>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (z is < 0 or >= 1 || double.IsNaN(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The series is only used for 0 <= z < 1.");
        }

        const int maxTerms = 1_000_000;
        var term = 1.0;
        var sum = 1.0;
        for (var k = 0; k < maxTerms; k++)
        {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            sum += term;
            if (Math.Abs(term) <= 1e-16 * Math.Abs(sum))
            {
                return sum;
            }
        }

        throw new ArithmeticException($"2F1({a}, {b}; {c}; {z}) did not converge in {maxTerms} terms; use a shorter horizon.");
    }

    /// <summary>ln(exp(x) + exp(y)) without overflow.</summary>
    public static double LogSumExp(double x, double y)
    {
        var max = Math.Max(x, y);
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(Math.Exp(x - max) + Math.Exp(y - max));
    }
}
