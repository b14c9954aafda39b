using System.Globalization;

namespace SignActors.Training.Objectives;

/// <summary>The papers' own test functions, each separable over coordinates with its minimum f* = 0 at x = 0.</summary>
public enum ObjectiveKind
{
    /// <summary>f(x) = ½ Σ L_i x_i² (002's x₁² + x₂² is L = 2, d = 2): convex, smooth with constants L_i.</summary>
    Quadratic,
    /// <summary>f(x) = Σ x_i² + 3 sin² x_i (002's Example 4, d = 1): non-convex, PL, smooth with constant 8.</summary>
    X2Plus3Sin2,
    /// <summary>f(x) = Σ (L_i/2) ln(1 + x_i²): non-convex for |x_i| &gt; 1, separable smooth with constants L_i exactly (|f_i''| ≤ L_i, attained at 0), gradients bounded by L_i/2.</summary>
    SeparableSmooth,
}

/// <summary>
/// An objective without data (<c>model { name = objective }</c>): its function, dimension d, the
/// starting point x_1 and the per-coordinate smoothness constants L_i (read by quadratic and
/// separable-smooth; x2-plus-3sin2 has its own). f is in closed form, f* = 0, gradients exact.
/// </summary>
public sealed record ObjectiveSpec(ObjectiveKind Kind, double[] Start, double[] Smoothness)
{
    public int Dimension => Start.Length;

    /// <summary>f* = min f: every objective here has its minimum 0 at x = 0.</summary>
    public double Optimum => 0;

    /// <summary>Null when the values fit, else the problem in one line.</summary>
    public string? Validate() =>
        Start.Length == 0 ? "dimension must be at least 1"
        : Smoothness.Length != Start.Length ? $"smoothness has {Smoothness.Length} constants for dimension {Start.Length}"
        : Start.Any(x => !(Math.Abs(x) <= float.MaxValue)) ? $"start must be finite float32 values, got {Start.First(x => !(Math.Abs(x) <= float.MaxValue)).ToString(CultureInfo.InvariantCulture)}"
        : Smoothness.Any(l => !(l > 0 && double.IsFinite(l))) ? $"smoothness must be positive and finite, got {Smoothness.First(l => !(l > 0 && double.IsFinite(l))).ToString(CultureInfo.InvariantCulture)}"
        : null;

    /// <summary>What replicas agree on (the run fingerprint): the function and every constant.</summary>
    public string Identity() => FormattableString.Invariant($"{Spellings.Objective.Of(Kind)}(d = {Dimension}, start = [{string.Join(" ", Start.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}], L = [{string.Join(" ", Smoothness.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}])");

    /// <summary>The function for the run header.</summary>
    public override string ToString() => Kind switch
    {
        ObjectiveKind.Quadratic => $"f(x) = ½ Σ L_i x_i² ({Constants()})",
        ObjectiveKind.X2Plus3Sin2 => "f(x) = Σ x_i² + 3 sin² x_i",
        _ => $"f(x) = Σ (L_i/2) ln(1 + x_i²) ({Constants()})",
    } + FormattableString.Invariant($", d = {Dimension}, f* = 0, x_1 = {Compact(Start)}");

    string Constants() => $"L = {Compact(Smoothness)}";

    static string Compact(double[] v) => v.Length == 1 ? FormattableString.Invariant($"{v[0]:G6}")
        : v.Distinct().Count() == 1 ? FormattableString.Invariant($"{v[0]:G6} in every coordinate")
        : FormattableString.Invariant($"[{string.Join(", ", v.Take(4).Select(x => x.ToString("G6", CultureInfo.InvariantCulture)))}{(v.Length > 4 ? ", …" : "")}]");
}
