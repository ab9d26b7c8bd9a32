namespace ScenarioEngine.Analytics;

/// <summary>Settings for the maximum-likelihood fits of the BG/NBD and Gamma-Gamma models.</summary>
public sealed record ModelFitOptions
{
    /// <summary>Default settings: tight enough to reproduce the published CDNOW estimates to every printed digit.</summary>
    public static ModelFitOptions Default { get; } = new();

    /// <summary>Stop when the simplex's log-likelihoods differ by less than this (absolute).</summary>
    public double Tolerance { get; init; } = 1e-9;

    /// <summary>Stop when the simplex's log-parameters differ by less than this.</summary>
    public double ParameterTolerance { get; init; } = 1e-7;

    /// <summary>Maximum objective evaluations per run of the optimiser.</summary>
    public int MaxEvaluations { get; init; } = 20_000;

    /// <summary>Times the optimiser is restarted from its best point with a fresh simplex, which guards against a collapsed simplex.</summary>
    public int Restarts { get; init; } = 3;
}
