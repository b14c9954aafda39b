namespace SignActors.Training.Schedules;

/// <summary>
/// The theorems' horizon-dependent constants: a setting c with an exponent a is c·T^a for a run of
/// T rounds (constant within the run), as the rates are stated — η = c·T^a, a momentum weight
/// c'·T^b, a batch c''·T^e. An exponent of 0 leaves c exactly as written.
/// </summary>
public static class Horizon
{
    public static double Scale(double c, long rounds, double exponent) => exponent == 0 ? c : c * Math.Pow(rounds, exponent);

    /// <summary>round(c''·T^e), at least 1.</summary>
    public static int Batch(int c, long rounds, double exponent) =>
        exponent == 0 ? c : (int)Math.Max(1, Math.Min(int.MaxValue, Math.Round(c * Math.Pow(rounds, exponent), MidpointRounding.AwayFromZero)));
}
