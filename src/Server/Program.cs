using PrivateFl.Server.Hosting;

// The standalone aggregation server: configuration from appsettings.json, environment (PRIVATEFL_ prefix
// not required: standard ASP.NET Core keys such as StorageOptions__DatabasePath) and the command line.
// A start-up failure prints one line naming the problem and exits non-zero (specs/api.md, "Start-up").
return await ServerHost.RunAsync(args, Console.Error).ConfigureAwait(false);
