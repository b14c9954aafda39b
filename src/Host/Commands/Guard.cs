using Akka.Configuration;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;

namespace SignActors.Host.Commands;

/// <summary>Runs a verb's body so that bad input ends in one line naming what is wrong, and exit code 2.</summary>
public delegate int Guard(Func<int> body);

public static class Guarded
{
    /// <summary>The guard that writes refusals to <paramref name="stderr"/>.</summary>
    public static Guard By(TextWriter stderr) => body =>
    {
        try { return body(); }
        catch (Exception e) when (e is ConfigurationException or DataFileException or ModelFileException or CheckpointException)
        {
            stderr.WriteLine($"signactors: {e.Message}");
            return 2;
        }
    };
}
