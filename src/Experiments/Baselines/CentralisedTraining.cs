using System.Diagnostics;
using SignActors.Messages.Packing;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Updates;
using SignActors.Training.Vectors;
using TorchSharp;

namespace SignActors.Experiments.Baselines;

/// <summary>
/// The single-machine reference a federation is judged against: one replica, every training
/// record the federation's nodes would hold (the validation records stay out), seeded shuffles
/// per pass, and either plain SGD (x ← x − η g) or signSGD (x ← x − η sign(g), through the same
/// packed sign step the federation uses). Prints validation and test loss and accuracy after
/// every pass and after the last step.
/// </summary>
public static class CentralisedTraining
{
    public static void Run(ImageSet train, ImageSet test, ValidationSplit split, ModelSpec spec, string optimizer, int steps, double eta, int batch, ulong seed, TextWriter output)
    {
        if (optimizer is not ("sgd" or "signsgd")) throw new ArgumentException($"optimizer '{optimizer}' is not one of sgd, signsgd");
        if (split.Training.Length < batch) throw new ArgumentException($"batch {batch} is larger than the {split.Training.Length} training records");
        using var model = new FlatModel(spec, seed);
        using var builder = new MinibatchBuilder(batch, train);
        var order = (int[])split.Training.Clone();
        var testRecords = Enumerable.Range(0, test.Count).ToArray();
        var signs = new PackedSigns(model.Dimension);
        var clock = Stopwatch.StartNew();
        int perPass = order.Length / batch;
        output.WriteLine($"centralised {optimizer} on {spec} (d = {model.Dimension:N0}), η = {eta}, batch {batch}, {steps:N0} steps, {order.Length:N0} train / {split.Validation.Length:N0} validation / {test.Count:N0} test records");
        output.WriteLine("| step | epoch | train loss | validation loss | validation accuracy | test loss | test accuracy | seconds |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        double lossSum = 0;
        int since = 0;
        for (int step = 1; step <= steps; step++)
        {
            int pass = (step - 1) / perPass + 1, position = (step - 1) % perPass;
            if (position == 0)
            {
                order = (int[])split.Training.Clone();
                var s = new RandomStream(new StreamKey(seed, StreamKey.RunActor, (uint)pass, StreamPurpose.Minibatch));
                Partitioner.Shuffle(order, ref s);
            }
            using (torch.NewDisposeScope()) // the batch views
            {
                var (images, labels) = builder.Build(train, order.AsSpan(position * batch, batch));
                lossSum += model.Step(images, labels);
                since++;
            }
            if (optimizer == "sgd") SignStep.ApplyDense(model.GradientSpan, model.ParameterSpan, (float)eta);
            else
            {
                SignPacker.Pack(model.GradientSpan, signs);
                SignStep.Apply(signs, model.ParameterSpan, (float)eta, 0);
            }
            if (position != perPass - 1 && step != steps) continue;
            string validation = split.Validation.Length > 0 && model.Evaluate(train, split.Validation, builder) is var v ? $"{v.Loss:F3} | {v.Accuracy:P1}" : "– | –";
            var evaluation = model.Evaluate(test, testRecords, builder);
            output.WriteLine($"| {step} | {pass} | {lossSum / since:F3} | {validation} | {evaluation.Loss:F3} | {evaluation.Accuracy:P1} | {clock.Elapsed.TotalSeconds:F0} |");
            lossSum = 0;
            since = 0;
        }
        output.WriteLine($"final parameter hash {model.Hash().Short}; ‖x‖₂ = {Norms.L2(model.ParameterSpan):F3}");
    }
}
