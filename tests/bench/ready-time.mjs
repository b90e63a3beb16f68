// ready-time.mjs -- how long a server takes from its start to its first 200 on a readiness
// URL: starts the command, polls the URL every millisecond, stops the server (SIGTERM) and
// waits for it to exit; RUNS times. Prints the median and every run, in milliseconds.
// Usage: node tests/bench/ready-time.mjs RUNS URL COMMAND [ARG...]   (environment passed on)
import { spawn } from 'node:child_process'
import { get } from 'node:http'

const [runs, url, command, ...args] = process.argv.slice(2)
if (!command) {
	console.error('usage: node ready-time.mjs RUNS URL COMMAND [ARG...]')
	process.exit(2)
}

const status = () => new Promise(resolve => {
	const req = get(url, { agent: false }, res => { res.resume(); resolve(res.statusCode) })
	req.on('error', () => resolve(0))
	req.setTimeout(1000, () => { req.destroy(); resolve(0) })
})
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

async function once () {
	const started = process.hrtime.bigint()
	const child = spawn(command, args, { stdio: 'ignore' })
	let exited = false
	const exit = new Promise(resolve => child.on('exit', () => { exited = true; resolve() }))
	let ms = null
	while (!exited && Number(process.hrtime.bigint() - started) < 30e9) {
		if (await status() === 200) {
			ms = Number(process.hrtime.bigint() - started) / 1e6
			break
		}
		await sleep(1)
	}
	child.kill('SIGTERM')
	await exit
	if (ms === null) throw new Error(`${command} did not become ready at ${url}`)
	return ms
}

const times = []
for (let i = 0; i < Number(runs); i++) times.push(await once())
const sorted = [...times].sort((a, b) => a - b)
const median = sorted[Math.floor((sorted.length - 1) / 2)]
console.log(`${median.toFixed(0)} ${times.map(t => t.toFixed(0)).join(' ')}`)
