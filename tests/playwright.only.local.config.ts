// Local only (not committed): the suite's config restricted to a few projects and their servers.
import base from './playwright.config';
const only = (process.env.ONLY ?? '').split(',');
const projects = base.projects!.filter((p) => only.includes(p.name!));
const urls = projects.map((p) => `${(p.use as { baseURL: string }).baseURL}/api/health`);
export default { ...base, projects, webServer: (base.webServer as { url: string }[]).filter((w) => urls.includes(w.url)) };
