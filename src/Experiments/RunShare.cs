using System.Globalization;
using Akka.Configuration;

namespace SignActors.Experiments;

/// <summary>Which stage of an experiment a process runs: both (tuning, then the finals), or one of them.</summary>
public enum ExperimentStage { All, Tuning, Finals }

/// <summary>
/// The runs of a stage this process takes: all of them, or the static share <see cref="Index"/> of
/// <see cref="Count"/> — run i of the stage (in the grid's order) when i mod Count = Index. Shards
/// never coordinate: each writes only its own runs' folders, so a shared experiment folder on NFS
/// needs no locks.
/// </summary>
public readonly record struct RunShare(int Index, int Count)
{
    public static RunShare All { get; } = new(0, 1);

    public bool Takes(int runIndex) => runIndex % Count == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// <c>i/N</c> (0 ≤ i &lt; N), or <c>slurm</c>: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (0 when
    /// unset) of SLURM_ARRAY_TASK_COUNT, so <c>--array=0-2</c> and <c>--array=1-3</c> both give shards 0, 1, 2 of 3.
    /// </summary>
    public static RunShare Parse(string text, Func<string, string?> environment)
    {
        if (text == "slurm")
        {
            int Variable(string name, int? missing)
            {
                string? value = environment(name);
                if (string.IsNullOrWhiteSpace(value))
                    return missing ?? throw new ConfigurationException($"--shard slurm: {name} is not set (run it as an sbatch --array job)");
                return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
                    ? n : throw new ConfigurationException($"--shard slurm: {name} = \"{value}\" is not a non-negative integer");
            }
            int id = Variable("SLURM_ARRAY_TASK_ID", null), count = Variable("SLURM_ARRAY_TASK_COUNT", null), min = Variable("SLURM_ARRAY_TASK_MIN", 0);
            if (count < 1 || id - min < 0 || id - min >= count)
                throw new ConfigurationException($"--shard slurm: SLURM_ARRAY_TASK_ID = {id} (minimum {min}) is not one of the {count} tasks of the array; use a contiguous --array such as 0-{Math.Max(count, 1) - 1}");
            return new RunShare(id - min, count);
        }
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return new RunShare(i, n);
        throw new ConfigurationException($"--shard \"{text}\": give i/N with 0 ≤ i < N (shard i of N), or slurm");
    }
}

/// <summary>How one `experiment` process takes part: its stage, its share of the runs, runs at once, or only the summaries.</summary>
public sealed record ExperimentOptions(int Parallel = 1, RunShare? Share = null, ExperimentStage Stage = ExperimentStage.All, bool Summarise = false, bool RerunDegraded = false)
{
    public RunShare Runs => Share ?? RunShare.All;

    /// <summary>Whether this process writes summary.md, tuning.md, the plots and the index: alone, or as `--summarise` — never a shard.</summary>
    public bool WritesSummaries => Summarise || Share is null;
}
