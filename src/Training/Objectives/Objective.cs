namespace SignActors.Training.Objectives;

/// <summary>
/// f and ∇f of an <see cref="ObjectiveSpec"/> in closed form, in double from the float32
/// parameters (the gradient is rounded to float32 once, at the end). Pure: tests check them
/// against values worked out by hand.
/// </summary>
public static class Objective
{
    /// <summary>f(x).</summary>
    public static double Value(ObjectiveSpec spec, ReadOnlySpan<float> x)
    {
        Check(spec, x.Length);
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double u = x[i];
            sum += spec.Kind switch
            {
                ObjectiveKind.Quadratic => 0.5 * spec.Smoothness[i] * u * u,
                ObjectiveKind.X2Plus3Sin2 => u * u + 3 * Math.Sin(u) * Math.Sin(u),
                _ => 0.5 * spec.Smoothness[i] * Math.Log(1 + u * u),
            };
        }
        return sum;
    }

    /// <summary>g ← ∇f(x): L_i x_i; 2x_i + 3 sin 2x_i; L_i x_i / (1 + x_i²).</summary>
    public static void Gradient(ObjectiveSpec spec, ReadOnlySpan<float> x, Span<float> gradient)
    {
        Check(spec, x.Length);
        if (gradient.Length != x.Length) throw new ArgumentException($"gradient holds {gradient.Length}, d = {x.Length}", nameof(gradient));
        for (int i = 0; i < x.Length; i++)
        {
            double u = x[i];
            gradient[i] = (float)(spec.Kind switch
            {
                ObjectiveKind.Quadratic => spec.Smoothness[i] * u,
                ObjectiveKind.X2Plus3Sin2 => 2 * u + 3 * Math.Sin(2 * u),
                _ => spec.Smoothness[i] * u / (1 + u * u),
            });
        }
    }

    static void Check(ObjectiveSpec spec, int length)
    {
        if (length != spec.Dimension) throw new ArgumentException($"{length} coordinates for an objective of d = {spec.Dimension}");
    }
}
