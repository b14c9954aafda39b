using SignActors.Runtime.Federation;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using TorchSharp;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>
/// The parameters after the first rounds of a small federation (3 nodes, the mlp, wire format on)
/// against an independent computation: each node's gradient from <see cref="FlatModel"/> on its
/// round's minibatch, then SPEC §2–4's formulas written out here — never the production
/// estimators, compressors, aggregators or update rules. A no-op, a mis-scaled step, a swapped β or
/// a missing weight decay fails these.
/// </summary>
[Collection("torch")]
public class UpdateReferenceTests
{
    const int Nodes = 3;

    static RunContract Spec(string preset, long rounds, double eta, Func<AlgorithmSpec, AlgorithmSpec>? change = null)
    {
        var spec = TinyFederation.Spec(preset, Nodes, rounds, eta: eta);
        return change is null ? spec : spec with { Algorithm = change(spec.Algorithm) };
    }

    static float[] Federated(RunContract spec)
    {
        var outcome = TinyFederation.Run(spec, new RecordingObserver(), serializeMessages: true);
        Assert.True(outcome.Completed, outcome.Message);
        return outcome.FinalParameters;
    }

    static float[] InitialParameters(RunContract spec)
    {
        using var model = new FlatModel(ModelSpec.For(spec.Model, TinyFederation.Train), spec.Seed);
        return model.CopyParameters();
    }

    /// <summary>∇ of node j's round-t minibatch loss at x (the gradient only comes from FlatModel).</summary>
    static float[][] Gradients(RunContract spec, float[] x, long round)
    {
        torch.set_num_threads(1); // the nodes' torch thread count: gradients are bit-reproducible at a fixed count
        var shards = TinyFederation.Shards(spec);
        using var model = new FlatModel(ModelSpec.For(spec.Model, TinyFederation.Train), spec.Seed);
        using var batches = new MinibatchBuilder(spec.BatchSize, TinyFederation.Train);
        var indices = new int[spec.BatchSize];
        var result = new float[Nodes][];
        for (int j = 0; j < Nodes; j++)
        {
            model.LoadParameters(x);
            new MinibatchSchedule(shards[j].Records, spec.BatchSize, spec.Seed, j).Indices(round, indices);
            using (torch.NewDisposeScope())
            {
                var (images, labels) = batches.Build(TinyFederation.Train, indices);
                model.Step(images, labels);
            }
            result[j] = model.GradientSpan.ToArray();
        }
        return result;
    }

    static float Sign(float v) => v >= 0 ? 1f : -1f; // sign(0) = +1

    /// <summary>sign(Σ_j sign(v_j)) per coordinate (3 voters: never a tie).</summary>
    static float[] Majority(float[][] v)
    {
        var a = new float[v[0].Length];
        for (int k = 0; k < a.Length; k++)
        {
            float sum = 0;
            foreach (var vj in v) sum += Sign(vj[k]);
            a[k] = Sign(sum);
        }
        return a;
    }

    static float[] Mean(float[][] v) => Enumerable.Range(0, v[0].Length).Select(k => (float)v.Average(vj => (double)vj[k])).ToArray();

    static double L1(float[] v) => v.Sum(x => Math.Abs((double)x));

    /// <summary>Every coordinate within <paramref name="relative"/>·max(1, |x|) (0: bit for bit); the message names the first that is not.</summary>
    static void Close(float[] expected, float[] actual, double relative = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            bool same = relative == 0 ? BitConverter.SingleToInt32Bits(expected[k]) == BitConverter.SingleToInt32Bits(actual[k])
                : Math.Abs(expected[k] - actual[k]) <= relative * Math.Max(1, Math.Abs(expected[k]));
            if (!same) Assert.Fail($"coordinate {k}: expected {expected[k]:R}, the federation holds {actual[k]:R}");
        }
    }

    [Fact]
    public void SignSgd_majority_vote_is_x_minus_eta_times_the_majority_of_gradient_signs()
    {
        var spec = Spec("signsgd", 1, 0.01);
        var x = InitialParameters(spec);
        var a = Majority(Gradients(spec, x, 1));
        Close(x.Select((xk, k) => xk - 0.01f * a[k]).ToArray(), Federated(spec));
    }

    [Fact]
    public void Signum_over_two_rounds_uses_beta_on_the_new_gradient()
    {
        const float beta = 0.2f, eta = 0.01f; // v_t = (1 − β) v_{t−1} + β g_t
        var spec = Spec("signum", 2, eta, a => a with { Estimator = a.Estimator with { Beta = beta } });
        var x1 = InitialParameters(spec);
        var g1 = Gradients(spec, x1, 1);
        var a1 = Majority(g1); // v_1 = g_1
        var x2 = x1.Select((xk, k) => xk - eta * a1[k]).ToArray();
        var g2 = Gradients(spec, x2, 2);
        var v2 = Enumerable.Range(0, Nodes).Select(j => g1[j].Select((g, k) => (1 - beta) * g + beta * g2[j][k]).ToArray()).ToArray();
        var a2 = Majority(v2);
        Close(x2.Select((xk, k) => xk - eta * a2[k]).ToArray(), Federated(spec));
    }

    [Fact]
    public void Scaled_majority_steps_by_eta_times_the_mean_l1_norm_plus_weight_decay()
    {
        const float eta = 1e-6f, lambda = 0.5f; // x ← x − η (M a + λ x), M = mean_j ‖g_j‖₁
        var spec = Spec("scaled-signsgd", 1, eta, a => a with { WeightDecay = lambda });
        var x = InitialParameters(spec);
        var g = Gradients(spec, x, 1);
        double m = g.Average(L1);
        var a = Majority(g);
        Close(x.Select((xk, k) => (float)(xk - eta * (m * a[k] + lambda * xk))).ToArray(), Federated(spec), 1e-5);
    }

    [Fact]
    public void Error_feedback_steps_by_the_mean_scale_of_eta_g_plus_weight_decay()
    {
        const float eta = 0.01f, lambda = 0.5f; // p_j = η g_j (no residual yet); s = mean_j ‖p_j‖₁/d; x ← x − s a − η λ x
        var spec = Spec("ef-signsgd", 1, eta, a => a with { WeightDecay = lambda });
        var x = InitialParameters(spec);
        var g = Gradients(spec, x, 1);
        double s = g.Average(gj => L1(gj) * eta / gj.Length);
        var a = Majority(g);
        Close(x.Select((xk, k) => (float)(xk - s * a[k] - eta * lambda * xk)).ToArray(), Federated(spec), 1e-5);
    }

    [Fact]
    public void Sgd_on_the_mean_is_x_minus_eta_times_the_mean_gradient()
    {
        const float eta = 0.05f;
        var spec = Spec("sgd", 1, eta);
        var x = InitialParameters(spec);
        var m = Mean(Gradients(spec, x, 1));
        Close(x.Select((xk, k) => xk - eta * m[k]).ToArray(), Federated(spec), 1e-6);
    }

    [Fact]
    public void The_sgdm_preset_averages_the_nodes_momentum_with_beta_on_the_new_gradient()
    {
        const float eta = 0.05f, beta = 0.2f; // node j: v_2 = (1 − β) g_1 + β g_2; x ← x − η mean_j v_j
        var spec = Spec("sgdm", 2, eta, a => a with { Estimator = a.Estimator with { Beta = beta } });
        var x1 = InitialParameters(spec);
        var g1 = Gradients(spec, x1, 1);
        var m1 = Mean(g1);
        var x2 = x1.Select((xk, k) => xk - eta * m1[k]).ToArray();
        var g2 = Gradients(spec, x2, 2);
        var m2 = Mean(Enumerable.Range(0, Nodes).Select(j => g1[j].Select((g, k) => (1 - beta) * g + beta * g2[j][k]).ToArray()).ToArray());
        Close(x2.Select((xk, k) => xk - eta * m2[k]).ToArray(), Federated(spec), 1e-5);
    }

    [Fact]
    public void The_heavy_ball_optimizer_on_the_mean_keeps_its_buffer_over_two_rounds()
    {
        const float eta = 0.05f, mu = 0.5f; // b_1 = g_1, b_2 = μ b_1 + g_2 (PyTorch heavy ball, dampening 0)
        var spec = Spec("sgd", 2, eta, a => a with { Optimizer = new OptimizerSpec(OptimizerKind.SgdMomentum, Momentum: mu) });
        var x1 = InitialParameters(spec);
        var b1 = Mean(Gradients(spec, x1, 1));
        var x2 = x1.Select((xk, k) => xk - eta * b1[k]).ToArray();
        var g2 = Mean(Gradients(spec, x2, 2));
        Close(x2.Select((xk, k) => xk - eta * (mu * b1[k] + g2[k])).ToArray(), Federated(spec), 1e-5);
    }

    [Fact]
    public void AdamW_first_step_is_decay_then_a_bias_corrected_unit_step()
    {
        const float eta = 0.001f, lambda = 0.1f; // m̂ = g, v̂ = g²: x ← x (1 − ηλ) − η g / (|g| + ε)
        var spec = Spec("adamw", 1, eta, a => a with { WeightDecay = lambda });
        var x = InitialParameters(spec);
        var g = Mean(Gradients(spec, x, 1));
        double epsilon = spec.Algorithm.Optimizer.Epsilon;
        var expected = x.Select((xk, k) => (float)(xk * (1 - eta * lambda) - eta * g[k] / (Math.Abs(g[k]) + epsilon))).ToArray();
        Close(expected, Federated(spec), 2e-4); // float rounding of g²: within 2·10⁻⁴ of |x|, far below the η = 10⁻³ step
    }

    [Fact]
    public void Lion_majority_over_two_rounds_with_weight_decay()
    {
        // c_t = β1 m_{t−1} + (1 − β1) g_t is voted on; m_t = β2 m_{t−1} + (1 − β2) g_t; x ← x − η (a + λ x).
        const float beta1 = 0.25f, beta2 = 0.875f, eta = 0.01f, lambda = 0.1f;
        var spec = Spec("lion-mv", 2, eta, a => a with { Estimator = a.Estimator with { Beta1 = beta1, Beta2 = beta2 }, WeightDecay = lambda });
        var x1 = InitialParameters(spec);
        var g1 = Gradients(spec, x1, 1);
        var a1 = Majority(g1.Select(g => g.Select(gk => (1 - beta1) * gk).ToArray()).ToArray());
        var x2 = x1.Select((xk, k) => xk - eta * (a1[k] + lambda * xk)).ToArray();
        var m1 = g1.Select(g => g.Select(gk => (1 - beta2) * gk).ToArray()).ToArray();
        var g2 = Gradients(spec, x2, 2);
        var c2 = Enumerable.Range(0, Nodes).Select(j => m1[j].Select((m, k) => beta1 * m + (1 - beta1) * g2[j][k]).ToArray()).ToArray();
        var a2 = Majority(c2);
        Close(x2.Select((xk, k) => xk - eta * (a2[k] + lambda * xk)).ToArray(), Federated(spec), 1e-6);
    }
}
