using System.Globalization;

namespace SignActors.Experiments;

/// <summary>What a tuning stage selects on: the last evaluation's validation accuracy (higher is better) or validation loss (lower is better).</summary>
public enum TuningMetric { ValidationAccuracy, ValidationLoss }

/// <summary>One tuning run: its point of the grid (tuned key → value as written), its score (higher is better, −∞ when it failed) and how it ended.</summary>
public sealed record TuningScore(IReadOnlyDictionary<string, string> Point, double Score, string Status)
{
    public bool Failed => double.IsNegativeInfinity(Score);
}

/// <summary>A method's chosen point, the runner-up, and what the summary must say about the choice (a value at the edge of its grid, every run failed).</summary>
public sealed record TuningChoice(TuningScore Best, TuningScore? RunnerUp, IReadOnlyList<string> Flags);

/// <summary>
/// The selection rules of a tuning stage, as pure functions: a run that diverged (NaN) or stopped
/// scores worst; the best score wins, ties going to the smaller η (<c>learning-rate.initial</c>)
/// and then to the earlier point of the grid; a chosen numeric value that is the smallest or the
/// largest of its grid is flagged (the optimum may lie outside it).
/// </summary>
public static class TuningSelection
{
    public const string LearningRateKey = "learning-rate.initial";

    /// <summary>The score of a run: the metric oriented so that higher is better, −∞ for a run that stopped or has no finite value.</summary>
    public static double Score(TuningMetric metric, bool completed, double validationAccuracy, double validationLoss)
    {
        double value = metric == TuningMetric.ValidationAccuracy ? validationAccuracy : -validationLoss;
        return completed && double.IsFinite(value) ? value : double.NegativeInfinity;
    }

    /// <param name="scores">Every point of the grid, in grid order.</param>
    /// <param name="grid">The tuned keys and their values, for the edge flags.</param>
    public static TuningChoice Choose(IReadOnlyList<TuningScore> scores, IReadOnlyList<(string Key, IReadOnlyList<string> Values)> grid)
    {
        if (scores.Count == 0) throw new ArgumentException("no tuning runs to choose from", nameof(scores));
        var ranked = scores.Select((s, i) => (Score: s, Index: i))
            .OrderByDescending(x => x.Score.Score)
            .ThenBy(x => Number(x.Score.Point.GetValueOrDefault(LearningRateKey)) ?? double.PositiveInfinity)
            .ThenBy(x => x.Index)
            .Select(x => x.Score).ToArray();
        var best = ranked[0];
        var flags = new List<string>();
        if (best.Failed) flags.Add("every tuning run diverged or stopped: the choice is the smallest η, not a measured best");
        foreach (var (key, values) in grid)
        {
            var numbers = values.Select(Number).ToArray();
            if (numbers.Any(x => x is null) || numbers.Distinct().Count() < 2 || !best.Point.TryGetValue(key, out var chosen)) continue;
            double value = Number(chosen)!.Value;
            if (value == numbers.Max()) flags.Add($"{key} = {chosen} is the largest value of its grid");
            else if (value == numbers.Min()) flags.Add($"{key} = {chosen} is the smallest value of its grid");
        }
        return new TuningChoice(best, ranked.Length > 1 ? ranked[1] : null, flags);
    }

    static double? Number(string? text) =>
        text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : null;
}
