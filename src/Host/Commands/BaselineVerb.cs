using System.CommandLine;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Data;
using SignActors.Training.Models;
using TorchSharp;

namespace SignActors.Host.Commands;

/// <summary>`signactors baseline [config] --optimizer sgd|signsgd …`: one model trained centrally on the configured data, the reference a federation is judged against.</summary>
public static class BaselineVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var baselineConfig = new Argument<string?>("config") { Description = "HOCON file (data and model sections); the embedded reference.conf when omitted", Arity = ArgumentArity.ZeroOrOne };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or signsgd", DefaultValueFactory = _ => "sgd" };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "stop after this many steps (0: after --epochs passes)", DefaultValueFactory = _ => 0 };
        var eta = new Option<double>("--lr") { Description = "learning rate η", DefaultValueFactory = _ => 0.05 };
        var baseline = new Command("baseline", "Train one model centrally (SGD or signSGD) on the configured data: the reference for a federation.") { baselineConfig, optimizer, epochs, steps, eta };
        baseline.SetAction(parse => guard(() =>
        {
            var config = RunConfig.Load(parse.GetValue(baselineConfig));
            var data = DataSettings.Read(config);
            var model = ModelSettings.Read(config);
            if (model.Objective is not null) throw new ConfigurationException("signactors.model.name = objective: the baseline trains on data; run an objective with `signactors run`");
            ulong seed = (ulong)new SettingsReader(config, ConfigKeys.Root).Long("seed", 0);
            torch.set_num_threads(model.TorchThreads);
            var (train, test) = data.Load(line => stdout.WriteLine(line));
            model.Script?.Check(train.Shape, train.Classes);
            try
            {
                var split = ValidationSplit.Hold(train.Labels(), data.Validation, seed);
                int passes = parse.GetValue(epochs), limit = parse.GetValue(steps);
                if (passes < 1 && limit < 1) throw new ConfigurationException("--epochs or --steps: at least one step");
                Experiments.Baselines.CentralisedTraining.Run(train, test, split, ModelSpec.For(model.Kind, train, model.Script, l2: model.L2), parse.GetValue(optimizer)!,
                    limit > 0 ? limit : passes * (split.Training.Length / model.BatchSize), parse.GetValue(eta), model.BatchSize, seed, stdout);
            }
            catch (ArgumentException e) { throw RunConfig.Invalid("", e); }
            return 0;
        }));
        return baseline;
    }
}
