using System.Runtime.InteropServices;
using Akka.Configuration;
using SignActors.Runtime.Configuration;

namespace SignActors.Runtime.Federation;

/// <summary>
/// A run's folder: <c>config.conf</c> (the resolved config, loadable as a config file),
/// <c>metrics.csv</c>, <c>run.log</c>, <c>final-parameters.bin</c> (the global model's d
/// float32 values, little-endian, in the layout order; its SHA-256 is the final hash), and
/// <c>participation.csv</c> (per node: rounds present and absent by cause), and <c>outcome.txt</c>,
/// written last: whether every round ran, the rounds, the final hash, the message and the
/// participation line (experiments resume by it; it is small enough to commit with metrics.csv).
/// </summary>
public sealed class RunDirectory
{
    public const string ConfigFile = "config.conf", MetricsFile = "metrics.csv", LogFile = "run.log", ParametersFile = "final-parameters.bin", CheckpointFile = "checkpoint.bin", OutcomeFile = "outcome.txt",
        ParticipationFile = "participation.csv";

    RunDirectory(string path) => Path = path;

    public string Path { get; }

    public string this[string file] => System.IO.Path.Combine(Path, file);

    /// <summary>Creates <c>directory/name</c>; "auto" is the UTC start time and the preset, made unique if taken.</summary>
    public static RunDirectory Create(OutputSettings output, string preset)
    {
        string name = output.Name == "auto" ? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{preset}" : output.Name;
        if (name.Length == 0 || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0)
            throw new ConfigurationException($"signactors.output.name = \"{output.Name}\" is not a usable folder name");
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(output.Directory, name));
        for (int k = 2; Directory.Exists(path) && output.Name == "auto"; k++)
            path = System.IO.Path.GetFullPath(System.IO.Path.Combine(output.Directory, $"{name}-{k}"));
        try { Directory.CreateDirectory(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"signactors.output: cannot create {path}: {e.Message}");
        }
        return new RunDirectory(path);
    }

    /// <summary>The run folder <paramref name="file"/> (a checkpoint) lies in, if it is one (it has a config.conf); null otherwise.</summary>
    public static RunDirectory? Holding(string file)
    {
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file));
        return folder is not null && File.Exists(System.IO.Path.Combine(folder, ConfigFile)) ? new RunDirectory(folder) : null;
    }

    public void WriteConfig(Config resolved) =>
        File.WriteAllText(this[ConfigFile], "# The resolved config of this run (user file over reference.conf); `signactors run` accepts it as it is.\n" + ConfigKeys.Render(resolved, ConfigKeys.Root));

    /// <param name="participation">The fifth line (<c>participation: as planned</c> or <c>participation: degraded: …</c>), when the coordinator reported it.</param>
    public void WriteOutcome(bool completed, long rounds, string finalHash, string message, string? participation = null) =>
        File.WriteAllText(this[OutcomeFile], $"{(completed ? "completed" : "stopped")}\nrounds {rounds}\nfinal parameter hash {finalHash}\n{message}\n"
            + (participation is null ? "" : participation + "\n"));

    /// <summary>Whether the run in <paramref name="path"/> ran every one of its rounds (its outcome says so).</summary>
    public static bool Completed(string path) =>
        File.Exists(System.IO.Path.Combine(path, OutcomeFile)) && File.ReadLines(System.IO.Path.Combine(path, OutcomeFile)).FirstOrDefault() == "completed";

    /// <summary>Whether a participation line says the run lost part of its federation unplanned.</summary>
    public static bool IsDegraded(string? participation) => participation?.StartsWith("participation: degraded", StringComparison.Ordinal) == true;

    /// <summary>The participation line of the run in <paramref name="path"/>'s outcome (its fifth line); null when it has none (it ran before runs reported it).</summary>
    public static string? Participation(string path) =>
        File.Exists(System.IO.Path.Combine(path, OutcomeFile))
            ? File.ReadLines(System.IO.Path.Combine(path, OutcomeFile)).Skip(4).FirstOrDefault(l => l.StartsWith("participation: ", StringComparison.Ordinal))
            : null;

    public void WriteParameters(ReadOnlySpan<float> parameters)
    {
        string temporary = this[ParametersFile] + ".tmp";
        using (var file = File.Create(temporary)) file.Write(MemoryMarshal.AsBytes(parameters));
        File.Move(temporary, this[ParametersFile], overwrite: true);
    }
}
