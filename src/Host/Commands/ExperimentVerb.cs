using System.CommandLine;
using SignActors.Experiments;

namespace SignActors.Host.Commands;

/// <summary>`signactors experiment grid.conf [--parallel …]`: a grid of federations, finished runs skipped, summary and plots (<see cref="GridExperiment"/>).</summary>
public static class ExperimentVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var experimentFile = new Argument<string>("config") { Description = "HOCON file with signactors settings and an experiment { name, directory, grid { … } } section" };
        var experimentOptions = new GridExperiment.CommandOptions();
        var experiment = new Command("experiment", "Run a grid of federations (presets × seeds × any key), skipping finished runs; summary table and plots.") { experimentFile };
        foreach (var option in experimentOptions.All) experiment.Options.Add(option);
        experiment.SetAction(parse => guard(() => GridExperiment.Execute(parse.GetValue(experimentFile)!, stdout, options: experimentOptions.Read(parse))));
        return experiment;
    }
}
