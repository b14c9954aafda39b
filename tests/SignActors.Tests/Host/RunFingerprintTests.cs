using Akka.Configuration;
using SignActors.Runtime.Configuration;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// A checkpoint resumes only under the same fingerprint, so a refactoring that changes how a run
/// prints (a record gaining a property) would strand every checkpoint users hold. The value below
/// was written into a checkpoint by the build before issue 34 moved the algorithms behind
/// declarations; a checkpoint of that build resumes bit-identically under this one.
/// </summary>
public class RunFingerprintTests
{
    [Fact]
    public void A_run_keeps_the_fingerprint_an_earlier_build_wrote()
    {
        var config = ConfigurationFactory.ParseString("signactors { rounds = 4, model.name = mlp, algorithm.preset = mvsm-v1 }").WithFallback(RunConfig.Reference);
        Assert.Equal("9a70a782be4775a24fcba61906ee6b0f23dda98271e5bc7189cfc3c760747013", RunFingerprint.Of(RunSettings.Read(config)));
    }
}
