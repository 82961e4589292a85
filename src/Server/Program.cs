using PrivateFl.Server;

// The standalone aggregation server: configuration from appsettings.json, environment (PRIVATEFL_ prefix
// not required: standard ASP.NET Core keys such as StorageOptions__DatabasePath) and the command line.
PrivateFlServerApplication.Build(args).Run();
