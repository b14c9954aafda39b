using System.CommandLine;
using SignActors.Experiments;

namespace SignActors.Host.Commands;

/// <summary>`signactors plot DIR [--against-time]`: the four plots of finished runs.</summary>
public static class PlotVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var plotDirectory = new Argument<string>("directory") { Description = "an experiment folder, or a folder of run folders" };
        var againstTime = new Option<bool>("--against-time") { Description = "x = wall-clock seconds (elapsed_s) instead of the round; files end in -vs-time.png" };
        var plot = new Command("plot", "Draw training loss, test accuracy, ‖∇f‖₁ and ‖∇f‖₂ against round (or wall-clock time) for finished runs.") { plotDirectory, againstTime };
        plot.SetAction(parse => guard(() => GridExperiment.Plot(parse.GetValue(plotDirectory)!, stdout, parse.GetValue(againstTime))));
        return plot;
    }
}
