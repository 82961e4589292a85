using BenchmarkDotNet.Running;

namespace PrivateFl.Benchmarks;

internal static class Program
{
    // Micro-benchmarks: dotnet run -c Release --project bench/PrivateFl.Benchmarks -- --filter '*'
    // Whole rounds:     dotnet run -c Release --project bench/PrivateFl.Benchmarks -- round
    // Active rounds:    dotnet run -c Release --project bench/PrivateFl.Benchmarks -- round-active
    // Unmask answers:   dotnet run -c Release --project bench/PrivateFl.Benchmarks -- round-unmask
    // Over gRPC:        dotnet build -c Release src/Server && dotnet run -c Release --project bench/PrivateFl.Benchmarks -- e2e
    // Load:             dotnet build -c Release src/Server && dotnet run -c Release --project bench/PrivateFl.Benchmarks -- load 200 500 1000 2000 4000
    // Service fuzzing:  dotnet run -c Release --project bench/PrivateFl.Benchmarks -- fuzz [inputs per type, default 100000] [over gRPC, default 1000] [seed]
    // Auth timing:      dotnet run -c Release --project bench/PrivateFl.Benchmarks -- auth-timing [calls per condition, default 20000]
    // MLP plan search:  dotnet run -c Release --project bench/PrivateFl.Benchmarks -- tune-mlp taiwan iid 3 1 32:tanh:20:2:3:zero lr:-:20:10:1:-
    // Scale-out:        dotnet run -c Release --project bench/PrivateFl.Benchmarks -- scaleout [banks...] [--silos 1,3] [--d 33,100000] [--cohort 500]
    // Parser fuzzing:   dotnet run -c Release --project bench/PrivateFl.Benchmarks -- fuzz-parsers [inputs-per-parser]
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "round")
        {
            RoundBenchmark.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "round-unmask")
        {
            RoundBenchmark.RunUnmask(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "round-active")
        {
            RoundBenchmark.RunActive(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "utility")
        {
            UtilityBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        if (args.Length > 0 && args[0] == "tune")
        {
            UtilityTuning.Run();
            return;
        }

        if (args.Length > 0 && args[0] == "tune-model")
        {
            ModelTuning.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "tune-mlp")
        {
            MlpTuning.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "fuzz")
        {
            Environment.ExitCode = FuzzBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        if (args.Length > 0 && args[0] == "fuzz-parsers")
        {
            ParserFuzzBenchmark.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "auth-timing")
        {
            AuthTimingBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        if (args.Length > 0 && args[0] == "e2e")
        {
            EndToEndBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        if (args.Length > 0 && args[0] == "scaleout")
        {
            Environment.ExitCode = ScaleOutBenchmark.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "load")
        {
            Environment.ExitCode = LoadBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
