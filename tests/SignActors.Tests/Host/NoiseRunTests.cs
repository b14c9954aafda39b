using SignActors.Runtime.Configuration;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>algorithm.noise in a run: drawn on each node's stream, so replicas stay bit-identical; part of the run; bad values one line.</summary>
[Collection("host-runs")]
public sealed class NoiseRunTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-noise-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Config(string noise)
    {
        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"signactors {{ nodes = 3, rounds = 3, model.name = mlp, evaluation.probe-records = 50, output.directory = \"{_directory}/runs\", algorithm {{ preset = ssvr-mv, noise {{ {noise} }} }} }}\n"
            + $"signactors.data {{ cache-directory = \"{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}\", synthetic {{ train-per-class = 3, test-per-class = 1 }} }}\n");
        return path;
    }

    [Fact]
    public void Noisy_gradients_keep_every_replica_bit_identical_and_are_part_of_the_run()
    {
        var (code, output, error) = CommandTests.Run("run", Config("law = student-t, scale = 0.01, nu = 2.5"));
        Assert.True(code == 0, output + error);
        Assert.Contains("done: 3 rounds completed; all 3 replicas bit-identical to the server after every round", output);
        string Fingerprint(string noise) => RunFingerprint.Of(RunSettings.Read(RunConfig.Load(Config(noise))));
        Assert.NotEqual(Fingerprint("law = none"), Fingerprint("law = gaussian, scale = 0.01"));
        Assert.NotEqual(Fingerprint("law = gaussian, scale = 0.01"), Fingerprint("law = gaussian, scale = 0.02"));
        Assert.Equal(Fingerprint("law = none, scale = 5"), Fingerprint("law = none")); // no noise: its settings do not matter

        (code, _, error) = CommandTests.Run("run", Config("law = skewed, scale = 0"));
        Assert.Equal(2, code);
        Assert.Equal("signactors: signactors.algorithm: noise: scale must be positive and finite, got 0", error.Trim());
    }
}
