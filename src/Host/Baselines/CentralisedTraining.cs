using System.Diagnostics;
using SignActors.Messages.Packing;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Updates;
using SignActors.Training.Vectors;
using TorchSharp;

namespace SignActors.Host.Baselines;

/// <summary>
/// The single-machine reference a federation is judged against: one replica, the whole training
/// set, seeded shuffles per epoch, and either plain SGD (x ← x − η g) or signSGD
/// (x ← x − η sign(g), through the same packed sign step the federation uses). Prints test loss
/// and accuracy after every epoch.
/// </summary>
public static class CentralisedTraining
{
    public static void Run(Cifar100Set train, Cifar100Set test, ModelKind kind, string optimizer, int epochs, double eta, int batch, ulong seed, TextWriter output)
    {
        if (optimizer is not ("sgd" or "signsgd")) throw new ArgumentException($"optimizer '{optimizer}' is not one of sgd, signsgd");
        using var model = new FlatModel(kind, seed);
        using var builder = new MinibatchBuilder(batch);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var testRecords = Enumerable.Range(0, test.Count).ToArray();
        var signs = new PackedSigns(model.Dimension);
        var clock = Stopwatch.StartNew();
        output.WriteLine($"centralised {optimizer} on {ModelZoo.Name(kind)} (d = {model.Dimension:N0}), η = {eta}, batch {batch}, {train.Count:N0} train / {test.Count:N0} test records");
        output.WriteLine("| epoch | train loss | test loss | test accuracy | seconds |");
        output.WriteLine("|---|---|---|---|---|");
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var s = new RandomStream(new StreamKey(seed, StreamKey.RunActor, (uint)epoch, StreamPurpose.Minibatch));
            Partitioner.Shuffle(order, ref s);
            double lossSum = 0;
            int steps = 0;
            for (int start = 0; start + batch <= order.Length; start += batch, steps++)
            {
                using var scope = torch.NewDisposeScope(); // the batch views
                var (images, labels) = builder.Build(train, order.AsSpan(start, batch));
                lossSum += model.Step(images, labels);
                if (optimizer == "sgd") SignStep.ApplyDense(model.GradientSpan, model.ParameterSpan, (float)eta);
                else
                {
                    SignPacker.Pack(model.GradientSpan, signs);
                    SignStep.Apply(signs, model.ParameterSpan, (float)eta, 0);
                }
            }
            var evaluation = model.Evaluate(test, testRecords, builder);
            output.WriteLine($"| {epoch} | {lossSum / steps:F3} | {evaluation.Loss:F3} | {evaluation.Accuracy:P1} | {clock.Elapsed.TotalSeconds:F0} |");
        }
        output.WriteLine($"final parameter hash {model.Hash().Short}; ‖x‖₂ = {Norms.L2(model.ParameterSpan):F3}");
    }
}
