using System.Runtime.CompilerServices;

// The tests check the special functions and the optimiser directly against known values.
[assembly: InternalsVisibleTo("ScenarioEngine.Analytics.Tests")]
