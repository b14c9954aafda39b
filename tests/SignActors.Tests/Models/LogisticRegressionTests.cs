using SignActors.Training.Data;
using SignActors.Training.Models;
using Xunit;

namespace SignActors.Tests.Models;

/// <summary>
/// Logistic regression with an L2 term, against its gradient written out in double here:
/// ∇_W = (1/N) Σ (softmax(Wx + b) − e_y) xᵀ + λW, ∇_b = (1/N) Σ (softmax − e_y) + λb; and the
/// stationarity measure's chunked whole-set gradient against one chunk.
/// </summary>
public class LogisticRegressionTests
{
    const int N = 37, Features = 4, Classes = 3;
    const double Lambda = 0.1;

    static ImageSet Data()
    {
        var random = new Random(11);
        var pixels = Enumerable.Range(0, N * Features).Select(_ => (float)random.NextDouble()).ToArray();
        return new ImageSet("test", new ImageShape(1, 2, 2), pixels, Enumerable.Range(0, N).Select(i => (i * 7) % Classes).ToArray());
    }

    /// <summary>f and ∇f over all records, in double, from the parameters and the normalised inputs.</summary>
    static (double Loss, double[] Gradient) Expected(ImageSet set, FlatModel model)
    {
        var theta = model.CopyParameters();
        int w = (int)model.Layout["fc.weight"].Offset, b = (int)model.Layout["fc.bias"].Offset;
        var (mean, std) = (set.Statistics.Mean[0], set.Statistics.Std[0]);
        var g = new double[theta.Length];
        double loss = 0;
        for (int i = 0; i < N; i++)
        {
            var x = set.FloatPixels(i).ToArray().Select(p => (double)((p - mean) / std)).ToArray();
            var z = Enumerable.Range(0, Classes).Select(c => theta[b + c] + Enumerable.Range(0, Features).Sum(j => theta[w + c * Features + j] * x[j])).ToArray();
            double max = z.Max(), normaliser = z.Sum(v => Math.Exp(v - max));
            int y = set.Label(i);
            loss += -(z[y] - max - Math.Log(normaliser));
            for (int c = 0; c < Classes; c++)
            {
                double residual = Math.Exp(z[c] - max) / normaliser - (c == y ? 1 : 0);
                g[b + c] += residual / N;
                for (int j = 0; j < Features; j++) g[w + c * Features + j] += residual * x[j] / N;
            }
        }
        for (int k = 0; k < theta.Length; k++) { g[k] += Lambda * theta[k]; loss += 0.5 * Lambda * theta[k] * (double)theta[k] * N; }
        return (loss / N, g);
    }

    [Fact]
    public void The_chunked_whole_set_gradient_is_the_hand_written_one_and_one_chunks()
    {
        var set = Data();
        using var model = new FlatModel(new ModelSpec(ModelKind.Logistic, set.Shape, Classes, L2: Lambda), 5);
        Assert.Equal(Features * Classes + Classes, model.Dimension);
        var (loss, g) = Expected(set, model);
        double l1 = g.Sum(Math.Abs), l2 = Math.Sqrt(g.Sum(v => v * v));
        var all = Enumerable.Range(0, N).ToArray();
        using var fives = new MinibatchBuilder(5, set);   // 7 chunks of 5 and one of 2
        using var one = new MinibatchBuilder(N, set);     // unchunked
        var chunked = model.WholeSetGradient(set, all, fives);
        var whole = model.WholeSetGradient(set, all, one);
        Assert.Equal(loss, chunked.Loss, 1e-5 * loss);
        Assert.Equal(l1, chunked.L1, 1e-5 * l1);
        Assert.Equal(l2, chunked.L2, 1e-5 * l2);
        Assert.Equal(whole.L1, chunked.L1, 1e-6 * l1);
        Assert.Equal(whole.L2, chunked.L2, 1e-6 * l2);
        Assert.Equal(whole.Loss, chunked.Loss, 1e-6 * loss);
        Assert.Equal(chunked, model.WholeSetGradient(set, all, fives)); // the same chunks: the same bits

        // A training step on all records: its loss is f (with the L2 term) and its gradient ∇f.
        var (images, labels) = one.Build(set, all);
        Assert.Equal(loss, model.Step(images, labels), 1e-5 * loss);
        var step = model.GradientSpan.ToArray();
        for (int k = 0; k < g.Length; k++) Assert.Equal(g[k], step[k], 1e-5 + 1e-5 * Math.Abs(g[k]));
    }
}
