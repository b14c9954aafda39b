using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Schedules;
using Xunit;

namespace SignActors.Tests.Training;

/// <summary>η = c·T^a, β = c'·T^b and batch = c''·T^e, worked out by hand for T = 400 (√400 = 20).</summary>
public class HorizonTests
{
    static RunSettings Read(string text) => RunSettings.Read(ConfigurationFactory.ParseString(text).WithFallback(RunConfig.Reference));

    [Fact]
    public void A_run_of_T_rounds_takes_its_constants_from_T()
    {
        var s = Read("signactors { rounds = 400, learning-rate { initial = 0.1, t-exponent = -0.5 }\n algorithm { preset = signum, beta = 2, beta-t-exponent = -0.5 }\n model { batch-size = 4, batch-t-exponent = 0.5 } }");
        Assert.Equal(0.1 / 20, s.Contract.Schedule.At(1), 15);
        Assert.Equal(0.1 / 20, s.Contract.Schedule.At(400), 15); // constant within the run
        Assert.Equal(2.0 / 20, s.Contract.Algorithm.Estimator.Beta, 15);
        Assert.Equal(80, s.Contract.BatchSize);
        Assert.Equal(3.0, Horizon.Scale(3.0, 1000, 0)); // exponent 0: c exactly as written
        Assert.Equal(1, Horizon.Batch(4, 400, -2));      // never below one record
    }

    [Fact]
    public void Exponents_of_zero_leave_the_default_run_as_it_was()
    {
        var s = Read("signactors { }");
        Assert.Equal(0.005, s.Contract.Schedule.At(1));
        Assert.Equal(0.5, s.Contract.Algorithm.Estimator.Beta);
        Assert.Equal(32, s.Contract.BatchSize);
    }

    [Fact]
    public void A_horizon_that_takes_beta_past_1_is_one_line()
    {
        var e = Assert.Throws<ConfigurationException>(() => Read("signactors { rounds = 400, algorithm { preset = signum, beta = 0.5, beta-t-exponent = 0.5 } }"));
        Assert.Equal("signactors.algorithm: estimator momentum: beta must be in (0, 1], got 10", e.Message);
    }
}
