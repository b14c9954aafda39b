using System.CommandLine;
using SignActors.Runtime.Federation;

namespace SignActors.Host.Commands;

/// <summary>`signactors run [config] [--resume F]`: a federation in one process, the main job (<see cref="RunCommand"/>).</summary>
public static class RunVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var config = new Argument<string?>("config") { Description = "HOCON file; the embedded reference.conf when omitted", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint.bin written by the same config" };
        var run = new Command("run", "Train a federation in one process (the main job).") { config, resume };
        run.SetAction(parse => guard(() => RunCommand.Execute(parse.GetValue(config), stdout, parse.GetValue(resume))));
        return run;
    }
}
