namespace SignActors.Experiments;

/// <summary>
/// What a summary does with a degraded run — one that lost part of its federation unplanned (a host
/// lost, a node that never registered, a dropped vote: its outcome's participation line says so).
/// It is shown in a column of its own and left out of means, intervals, paired comparisons and
/// tuning choices, unless the experiment says <c>include-degraded = on</c>: a run that trained at
/// half strength for part of its rounds is not a sample of the method the cell names.
/// </summary>
public readonly record struct DegradedRuns(bool Include)
{
    public const string Key = "include-degraded";

    /// <summary>Whether a run's final metrics count: it completed, and it ran as planned or degraded runs are included.</summary>
    public bool Counts(RunResult run) => run.Completed && (Include || !run.Degraded);

    /// <summary>The degraded column of a group of runs: how many completed degraded, and what was done with them.</summary>
    public string Column(IEnumerable<RunResult> runs) =>
        runs.Count(r => r.Completed && r.Degraded) is var k && k == 0 ? "0" : $"{k} ({(Include ? "included" : "left out")})";

    /// <summary>The legend's sentence about the degraded column.</summary>
    public string Legend => "degraded: completed runs that lost part of their federation unplanned (their outcome.txt's participation line), "
        + (Include ? $"counted in the statistics ({Key} = on)" : $"left out of the statistics ({Key} = on counts them)");
}
