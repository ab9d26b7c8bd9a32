namespace ScenarioEngine.Analytics;

/// <summary>The result of one minimisation.</summary>
/// <param name="Point">The best point found.</param>
/// <param name="Value">The objective at that point.</param>
/// <param name="Evaluations">Objective evaluations used.</param>
/// <param name="Converged">Whether the tolerances were met before the evaluation budget ran out.</param>
internal sealed record Minimum(double[] Point, double Value, int Evaluations, bool Converged);

/// <summary>Derivative-free Nelder-Mead simplex minimisation, with the dimension-adaptive coefficients of Gao and Han (2012).</summary>
internal static class NelderMead
{
    /// <summary>Minimises <paramref name="objective"/> from <paramref name="start"/>, restarting from the best point as the options say.</summary>
    public static Minimum Minimize(Func<double[], double> objective, double[] start, double initialStep, ModelFitOptions options)
    {
        var best = Run(objective, start, initialStep, options);
        var evaluations = best.Evaluations;
        for (var i = 0; i < options.Restarts; i++)
        {
            var next = Run(objective, best.Point, initialStep / 10, options);
            evaluations += next.Evaluations;
            var improved = next.Value < best.Value - options.Tolerance;
            if (next.Value <= best.Value)
            {
                best = next;
            }

            if (!improved)
            {
                break;
            }
        }

        return best with { Evaluations = evaluations };
    }

    private static Minimum Run(Func<double[], double> objective, double[] start, double initialStep, ModelFitOptions options)
    {
        var n = start.Length;
        var reflection = 1.0;
        var expansion = 1.0 + (2.0 / n);
        var contraction = 0.75 - (1.0 / (2.0 * n));
        var shrink = 1.0 - (1.0 / n);

        var evaluations = 0;
        double F(double[] x)
        {
            evaluations++;
            var value = objective(x);
            return double.IsNaN(value) ? double.PositiveInfinity : value;
        }

        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])start.Clone();
        values[0] = F(simplex[0]);
        for (var i = 0; i < n; i++)
        {
            var vertex = (double[])start.Clone();
            vertex[i] += initialStep;
            simplex[i + 1] = vertex;
            values[i + 1] = F(vertex);
        }

        var order = new int[n + 1];
        var centroid = new double[n];
        while (true)
        {
            for (var i = 0; i <= n; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (x, y) => values[x].CompareTo(values[y]));
            var bestIndex = order[0];
            var worstIndex = order[n];
            var secondWorstIndex = order[n - 1];

            if (HasConverged(simplex, values, bestIndex, options))
            {
                return new Minimum((double[])simplex[bestIndex].Clone(), values[bestIndex], evaluations, true);
            }

            if (evaluations >= options.MaxEvaluations)
            {
                return new Minimum((double[])simplex[bestIndex].Clone(), values[bestIndex], evaluations, false);
            }

            Array.Clear(centroid);
            for (var i = 0; i <= n; i++)
            {
                if (i == worstIndex)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    centroid[j] += simplex[i][j] / n;
                }
            }

            var worst = simplex[worstIndex];
            var reflected = Along(centroid, worst, -reflection);
            var reflectedValue = F(reflected);

            if (reflectedValue < values[bestIndex])
            {
                var expanded = Along(centroid, worst, -reflection * expansion);
                var expandedValue = F(expanded);
                (simplex[worstIndex], values[worstIndex]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue);
                continue;
            }

            if (reflectedValue < values[secondWorstIndex])
            {
                (simplex[worstIndex], values[worstIndex]) = (reflected, reflectedValue);
                continue;
            }

            // Contract towards the better of the reflected and the worst point.
            var outside = reflectedValue < values[worstIndex];
            var contracted = Along(centroid, worst, outside ? -reflection * contraction : contraction);
            var contractedValue = F(contracted);
            if (contractedValue < (outside ? reflectedValue : values[worstIndex]))
            {
                (simplex[worstIndex], values[worstIndex]) = (contracted, contractedValue);
                continue;
            }

            var bestPoint = simplex[bestIndex];
            for (var i = 0; i <= n; i++)
            {
                if (i == bestIndex)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    simplex[i][j] = bestPoint[j] + (shrink * (simplex[i][j] - bestPoint[j]));
                }

                values[i] = F(simplex[i]);
            }
        }
    }

    // centroid + step * (point - centroid): step -1 reflects, 0..1 contracts towards the point.
    private static double[] Along(double[] centroid, double[] point, double step)
    {
        var result = new double[centroid.Length];
        for (var j = 0; j < result.Length; j++)
        {
            result[j] = centroid[j] + (step * (point[j] - centroid[j]));
        }

        return result;
    }

    private static bool HasConverged(double[][] simplex, double[] values, int bestIndex, ModelFitOptions options)
    {
        var maxValueGap = 0.0;
        var maxStep = 0.0;
        for (var i = 0; i < simplex.Length; i++)
        {
            maxValueGap = Math.Max(maxValueGap, Math.Abs(values[i] - values[bestIndex]));
            for (var j = 0; j < simplex[i].Length; j++)
            {
                maxStep = Math.Max(maxStep, Math.Abs(simplex[i][j] - simplex[bestIndex][j]));
            }
        }

        return maxValueGap <= options.Tolerance && maxStep <= options.ParameterTolerance;
    }
}
