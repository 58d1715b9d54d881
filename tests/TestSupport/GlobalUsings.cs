global using Orleans;
global using Orleans.Hosting;
global using Orleans.Runtime;
global using Orleans.Runtime.Messaging;
